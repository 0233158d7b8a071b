/** s2.index: adds spectral indices (presets and custom expressions) to a time series (lazy). */
import { z } from 'zod';
import { defineNode, NodeError, type ParamProblem } from '../define.ts';
import type { IndexSpec } from '../values.ts';
import { SPECTRAL_INDEX_NAMES, SPECTRAL_INDICES } from '../kernels/spectralIndices.ts';
import { checkExpression, compileExpression, ExpressionError } from '../kernels/expression.ts';
import { upstreamSeries } from './seriesUpstream.ts';

const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

const params = z.object({
  indices: z
    .array(z.enum(SPECTRAL_INDEX_NAMES))
    .default(['NDVI', 'NDWI', 'BSI'])
    .describe(
      'Preset indices: ' + Object.values(SPECTRAL_INDICES).map((p) => `${p.name} = ${p.expression}`).join('; ') + '. Bands are surface reflectance 0–1.',
    ),
  custom: z
    .array(
      z.object({
        name: z
          .string()
          // Names key objects of variables downstream: a built-in member name would reach Object.prototype.
          .refine((n) => !Object.getOwnPropertyNames(Object.prototype).includes(n) && n !== 'prototype', 'is a reserved name (a built-in property of JavaScript objects); choose another')
          .describe('Variable name used in feature names, e.g. "NDRE" (letters, digits, _; starts with a letter).')
          .meta({ widget: 'identifier', names: 'upstream' }),
        expression: z
          .string()
          .describe('Expression over band names in reflectance 0–1, e.g. "(B8 - B5) / (B8 + B5)". Operators + - * / ^, functions sqrt abs log exp pow min max clamp.')
          .meta({ widget: 'expression', names: 'upstream' }),
      }),
    )
    .default([])
    .describe('Your own indices. Division by zero gives no data (NaN).'),
});

export const s2Index = defineNode({
  type: 's2.index',
  version: 1,
  category: 'Raster',
  label: 'Spectral Index',
  description: 'Computes spectral indices per acquisition from the (masked) bands, e.g. NDVI, NDWI, BSI, or your own expressions. Lazy: evaluated per window by consumers.',
  inputs: { series: { type: 'TimeSeries' } },
  outputs: { series: { type: 'TimeSeries' } },
  params,
  check(p, ctx) {
    const up = upstreamSeries(ctx);
    const problems: ParamProblem[] = [];
    const taken = new Set(up.variables);
    [...new Set(p.indices)].forEach((name, i) => {
      const preset = SPECTRAL_INDICES[name];
      const err = up.known ? checkExpression(preset.expression, up.bands) : null;
      if (err) problems.push({ param: `indices.${i}`, message: `${name} = ${preset.expression} needs bands that are not loaded (${err.message}): add them to the loader's bands or remove ${name} (indices)` });
      if (taken.has(name)) problems.push({ param: `indices.${i}`, message: `${name} is already computed upstream: remove it here (indices)` });
      taken.add(name);
    });
    p.custom.forEach((c, i) => {
      const which = `custom index ${i + 1}${c.name ? ` "${c.name}"` : ''}`;
      if (!c.name) problems.push({ param: `custom.${i}.name`, message: `${which}: give it a name, e.g. NDRE (custom name)` });
      else if (!NAME_RE.test(c.name)) problems.push({ param: `custom.${i}.name`, message: `${which}: the name must start with a letter and use only letters, digits and _ (e.g. NDRE, nbr_2) (custom name)` });
      else if (taken.has(c.name)) problems.push({ param: `custom.${i}.name`, message: `${which}: the name is already used by a band or another index; choose another name (custom name)` });
      taken.add(c.name);
      if (!c.expression.trim()) {
        problems.push({ param: `custom.${i}.expression`, message: `${which}: enter a formula over band names, e.g. (B8 - B5) / (B8 + B5) (custom expression)` });
        return;
      }
      const err = checkExpression(c.expression, up.bands);
      if (err) problems.push({ param: `custom.${i}.expression`, message: `${which}: in the formula "${c.expression}", ${err.message}: fix the formula (custom expression)` });
    });
    return problems;
  },
  async run(_ctx, { series }, p) {
    const bands = Object.keys(series.bands);
    const taken = new Set(series.variables);
    const added: IndexSpec[] = [];
    const add = (spec: IndexSpec, param: string) => {
      if (!NAME_RE.test(spec.name)) throw new NodeError(`Index name "${spec.name}" must start with a letter and contain only letters, digits and _.`, { param });
      if (taken.has(spec.name)) throw new NodeError(`Index name "${spec.name}" is already used by a band or another index; choose another name.`, { param });
      taken.add(spec.name);
      added.push({ name: spec.name, expression: spec.expression });
    };
    [...new Set(p.indices)].forEach((name, i) => {
      const preset = SPECTRAL_INDICES[name];
      try {
        compileExpression(preset.expression, bands);
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        throw new NodeError(`${name} = ${preset.expression} needs bands that are not loaded: ${e.message}. Add them to s2.load's bands.`, { param: `indices.${i}` });
      }
      add(preset, `indices.${i}`);
    });
    p.custom.forEach((c, i) => {
      try {
        compileExpression(c.expression, bands);
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        throw new NodeError(`Index "${c.name}": ${e.message}`, { param: `custom.${i}.expression` });
      }
      add(c, `custom.${i}.name`);
    });
    return {
      outputs: { series: { ...series, indices: [...series.indices, ...added], variables: [...series.variables, ...added.map((a) => a.name)] } },
      summary: { indices: Object.fromEntries(added.map((a) => [a.name, a.expression])) },
    };
  },
});
