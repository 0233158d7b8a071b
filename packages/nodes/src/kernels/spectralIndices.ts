/**
 * Spectral index presets. Band names in expressions are surface reflectance 0..1 ((DN - dnOffset) * 1e-4),
 * so constants such as SAVI's L = 0.5 and EVI's coefficients are meaningful.
 */
import type { IndexSpec } from '../values.ts';

export interface IndexPreset extends IndexSpec {
  description: string;
}

export const SPECTRAL_INDICES: Record<string, IndexPreset> = {
  NDVI: { name: 'NDVI', expression: '(B8 - B4) / (B8 + B4)', description: 'Normalized Difference Vegetation Index: green vegetation.' },
  NDWI: { name: 'NDWI', expression: '(B3 - B8) / (B3 + B8)', description: 'Normalized Difference Water Index (McFeeters): open water.' },
  BSI: {
    name: 'BSI',
    expression: '((B11 + B4) - (B8 + B2)) / ((B11 + B4) + (B8 + B2))',
    description: 'Bare Soil Index: exposed soil and mining pits.',
  },
  SAVI: {
    name: 'SAVI',
    expression: '1.5 * (B8 - B4) / (B8 + B4 + 0.5)',
    description: 'Soil-Adjusted Vegetation Index (L = 0.5): vegetation over bright soil.',
  },
  MNDWI: { name: 'MNDWI', expression: '(B3 - B11) / (B3 + B11)', description: 'Modified NDWI (Xu): water, less confused with built-up land.' },
  NDMI: { name: 'NDMI', expression: '(B8 - B11) / (B8 + B11)', description: 'Normalized Difference Moisture Index: vegetation water content.' },
  NBR: { name: 'NBR', expression: '(B8 - B12) / (B8 + B12)', description: 'Normalized Burn Ratio: burnt or cleared areas.' },
  EVI: {
    name: 'EVI',
    expression: '2.5 * (B8 - B4) / (B8 + 6 * B4 - 7.5 * B2 + 1)',
    description: 'Enhanced Vegetation Index: vegetation, less saturated in dense canopy.',
  },
};

export const SPECTRAL_INDEX_NAMES = Object.keys(SPECTRAL_INDICES) as [string, ...string[]];
