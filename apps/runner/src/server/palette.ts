/**
 * Colours of the map previews and their legends: the one palette of `@sentiflow/nodes/palette.ts`, which the
 * GeoTIFF colour tables and the editor use too.
 */
export {
  CLASS_COLORS,
  DIVERGING_RAMP,
  EXTRA_CLASS_COLORS,
  PROBABILITY_RAMP,
  TRANSITION_COLORS,
  UNCERTAIN_COLOR,
  classColor,
  hexToRgb,
  rampColor,
} from '@sentiflow/nodes/palette.ts';
