// Generic checks on every registered node, derived from its declaration (as deck.gl does for layer props),
// plus: the generated node reference is current and every example graph validates against the catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { nodeCatalog } from '../packages/nodes/src/catalog.ts';
import { SOCKET_TYPES } from '../packages/nodes/src/values.ts';
import { catalogJson } from '../apps/runner/src/engine/catalogJson.ts';
import { validateGraph } from '../apps/runner/src/engine/validate.ts';
import { renderNodeDocs } from '../scripts/gen-node-docs.ts';
import { repoRoot } from './helpers.ts';

/** Params a node needs that have no default: plausible values so the rest can be checked. */
const REQUIRED_SAMPLES: Record<string, Record<string, unknown>> = {
  's2.load': { dir: 'demo', prefix: 'S2_SR_demo', year: 2019 },
  'vector.load': { path: 'demo/labels/2019' },
  'raster.loadClassMap': { path: 'demo/truth_2019.tif' },
  's2.loadStac': { aoi: 'aoi.geojson', year: 2019 },
};

for (const def of nodeCatalog) {
  test(`${def.type}: declaration is complete and its defaults validate`, () => {
    assert.match(def.type, /^[a-z0-9]+\.[a-zA-Z0-9]+$/);
    assert.ok(def.version >= 1 && Number.isInteger(def.version));
    assert.ok(def.label.length > 0 && def.description.length > 20, 'label and a real description');
    for (const s of [...Object.values(def.inputs), ...Object.values(def.outputs)]) assert.ok(SOCKET_TYPES.includes(s.type));
    const parsed = def.params.safeParse(REQUIRED_SAMPLES[def.type] ?? {});
    assert.ok(parsed.success, `defaults validate: ${parsed.success ? '' : parsed.error.message}`);
    const shape = def.params.shape as Record<string, z.ZodType>;
    for (const [name, field] of Object.entries(shape)) {
      assert.ok(field.description && field.description.length > 10, `param ${name} has a description for the editor and docs`);
    }
  });

  test(`${def.type}: out-of-range and wrongly typed params are rejected`, () => {
    const schema = catalogJson([def])[0].params as { properties?: Record<string, { type?: string; minimum?: number; maximum?: number }> };
    const base = REQUIRED_SAMPLES[def.type] ?? {};
    for (const [name, p] of Object.entries(schema.properties ?? {})) {
      if (p.minimum !== undefined) assert.equal(def.params.safeParse({ ...base, [name]: p.minimum - 1 }).success, false, `${name} below minimum`);
      if (p.maximum !== undefined) assert.equal(def.params.safeParse({ ...base, [name]: p.maximum + 1 }).success, false, `${name} above maximum`);
      assert.equal(def.params.safeParse({ ...base, [name]: { not: 'valid' } }).success, false, `${name} of the wrong type`);
    }
  });
}

test('docs/nodes.md is generated from the current catalogue (npm run docs)', () => {
  assert.equal(readFileSync(join(repoRoot, 'docs/nodes.md'), 'utf8'), renderNodeDocs());
});

test('every example graph in graphs/ validates (apart from its data files)', () => {
  const dir = join(repoRoot, 'graphs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const { problems } = validateGraph(readFileSync(join(dir, f), 'utf8'), nodeCatalog, { dataRoot: repoRoot });
    const real = problems.filter((p) => p.code !== 'file-missing');
    assert.deepEqual(real, [], `${f}: ${real.map((p) => p.message).join('; ')}`);
  }
});
