// Every node declares its own presentation (zod `.meta()` on params, `names`/`preview` on outputs) and the JSON
// catalogue the editor reads carries it, so no consumer has to guess units, widgets or map layers from names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { JsonSchema, NodeTypeJson } from '@sentiflow/protocol';
import { nodeCatalog } from '../packages/nodes/src/catalog.ts';
import { catalogJson } from '../apps/runner/src/engine/catalogJson.ts';

const catalog: NodeTypeJson[] = catalogJson(nodeCatalog);

/** Every param of a schema with its dotted path, descending into objects and list items. */
function params(schema: JsonSchema, prefix = ''): [string, JsonSchema][] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, s]): [string, JsonSchema][] => {
    const path = `${prefix}${name}`;
    const alts = (s.anyOf ?? s.oneOf ?? []).filter((a) => a.type !== 'null');
    const inner = alts.length === 1 ? alts[0] : s;
    const item = inner.type === 'array' ? inner.items : undefined;
    return [[path, s], ...(inner.properties ? params(inner, `${path}.`) : []), ...(item?.properties ? params(item, `${path}[].`) : [])];
  });
}

const typeOf = (s: JsonSchema): string | undefined => {
  const alts = (s.anyOf ?? s.oneOf ?? []).filter((a) => a.type !== 'null');
  const t = alts.length === 1 ? alts[0].type : s.type;
  return Array.isArray(t) ? t.find((x) => x !== 'null') : t;
};
const isNumeric = (s: JsonSchema) => {
  const t = typeOf(s);
  const alts = (s.anyOf ?? []).filter((a) => a.type !== 'null');
  const items = t === 'array' ? (alts.length === 1 ? alts[0] : s).items : undefined;
  return t === 'number' || t === 'integer' || (items !== undefined && (items.type === 'number' || items.type === 'integer'));
};

test('every numeric param of every node declares its unit (numbers and lists of numbers)', () => {
  const missing: string[] = [];
  let numeric = 0;
  for (const node of catalog) {
    for (const [path, s] of params(node.params)) {
      if (!isNumeric(s)) continue;
      numeric++;
      if (typeof s.unit !== 'string' || s.unit.trim() === '') missing.push(`${node.type} ${path}`);
    }
  }
  assert.deepEqual(missing, [], `params without a unit: ${missing.join(', ')}`);
  assert.ok(numeric >= 40, `the catalogue has its numeric params (${numeric})`);
});

test('every expression and identifier param declares its widget and the names it may use', () => {
  let expressions = 0;
  for (const node of catalog) {
    for (const [path, s] of params(node.params)) {
      if (s.widget === 'expression' || s.widget === 'identifier') {
        expressions += s.widget === 'expression' ? 1 : 0;
        assert.equal(s.names, 'upstream', `${node.type} ${path} says which names it may use`);
        assert.ok(Object.keys(node.inputs).length > 0, `${node.type} has an input the names come from`);
      }
      // A new formula param without its widget would be a plain text box: the declaration must not be forgotten.
      if (typeOf(s) === 'string' && /\b(expression|formula)\b/i.test(`${path} ${s.description ?? ''}`)) {
        assert.equal(s.widget, 'expression', `${node.type} ${path} reads as a formula: declare widget 'expression'`);
      }
    }
  }
  assert.ok(expressions >= 1);
  const index = catalog.find((n) => n.type === 's2.index')!;
  const custom = index.params.properties!.custom.items!.properties!;
  assert.deepEqual([custom.expression.widget, custom.name.widget], ['expression', 'identifier']);
  // The names resolve: some output declares the names it carries, from a param the node has.
  const declaring = catalog.flatMap((n) => Object.values(n.outputs).filter((o) => o.names).map((o) => ({ n, param: o.names!.param })));
  assert.ok(declaring.length >= 1);
  for (const { n, param } of declaring) assert.ok(n.params.properties?.[param], `${n.type} declares names from its param ${param}`);
});

test('showWhen names sibling params and values they can take', () => {
  let seen = 0;
  for (const node of catalog) {
    const props = node.params.properties ?? {};
    for (const [name, s] of Object.entries(props)) {
      for (const [other, values] of Object.entries(s.showWhen ?? {})) {
        seen++;
        const sib = props[other];
        assert.ok(sib && other !== name, `${node.type} ${name}: showWhen names a param ${other}`);
        if (sib.enum) for (const v of values) assert.ok(sib.enum.includes(v), `${node.type} ${name}: ${other} can be ${JSON.stringify(v)}`);
      }
    }
  }
  assert.ok(seen >= 5, 'the cloud mask shows its params by method');
  const mask = catalog.find((n) => n.type === 's2.cloudMask')!.params.properties!;
  assert.deepEqual(mask.probabilityThreshold.showWhen, { method: ['probability'] });
});

test('every map-like output declares the layers it offers; the server and editor read only these', () => {
  for (const node of catalog) {
    for (const [name, o] of Object.entries(node.outputs)) {
      if (['ClassMap', 'Change'].includes(o.type) || (o.type === 'Composite' && node.type === 's2.aggregate')) {
        assert.ok(o.preview && o.preview.length > 0, `${node.type} output ${name} declares its map layers`);
      }
    }
  }
  const agg = catalog.find((n) => n.type === 's2.aggregate')!.outputs.composite.preview!;
  assert.deepEqual(agg.find((p) => p.kind === 'rgb'), { kind: 'rgb', label: 'natural colour', bands: ['B4', 'B3', 'B2'] });
});

test('the JSON catalogue carries each param\'s .meta() exactly as declared in the node file', () => {
  let compared = 0;
  for (const def of nodeCatalog) {
    const json = catalog.find((n) => n.type === def.type)!.params.properties ?? {};
    for (const [name, field] of Object.entries(def.params.shape as Record<string, z.ZodType>)) {
      const meta = z.globalRegistry.get(field) ?? {};
      for (const key of ['unit', 'widget', 'names', 'showWhen'] as const) {
        if (meta[key] === undefined) continue;
        compared++;
        assert.deepEqual(json[name][key], meta[key], `${def.type} ${name}.${key} reaches the catalogue JSON`);
      }
    }
  }
  assert.ok(compared >= 40, `compared ${compared} declarations`);
  // Through JSON.stringify too, as GET /api/catalog sends it.
  const wire = JSON.parse(JSON.stringify(catalog)) as NodeTypeJson[];
  assert.equal(wire.find((n) => n.type === 's2.cloudMask')!.params.properties!.probabilityThreshold.unit, '%');
  assert.equal(wire.find((n) => n.type === 's2.load')!.outputs.series.names!.param, 'bands');
});
