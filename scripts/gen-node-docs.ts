// Writes docs/nodes.md from the node catalogue (`npm run docs`); a test checks it is current.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeCatalog } from '../packages/nodes/src/catalog.ts';
import { catalogJson } from '../apps/runner/src/engine/catalogJson.ts';
import type { JsonSchema, PreviewSpec } from '@sentiflow/protocol';


function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (s.type === 'array' && s.items) return `array of ${typeOf(s.items)}`;
  if (s.type === 'object' && s.properties) return `{${Object.keys(s.properties).join(', ')}}`;
  return Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
}

function range(s: JsonSchema): string {
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  if (lo === undefined && hi === undefined) return '';
  return `${lo ?? '−∞'} … ${hi ?? '∞'}`;
}

/** "shown when method is "probability"" from a param's declared showWhen. */
function shownWhen(s: JsonSchema): string {
  if (!s.showWhen) return '';
  const parts = Object.entries(s.showWhen).map(([k, vs]) => `${k} is ${vs.map((v) => JSON.stringify(v)).join(' or ')}`);
  return ` *(shown when ${parts.join(' and ')})*`;
}

/** "map layers: natural colour (B4, B3, B2), classes" from an output's declared previews. */
function layersOf(preview: readonly PreviewSpec[] | undefined): string {
  if (!preview?.length) return '';
  const name = (p: PreviewSpec) => (p.kind === 'rgb' ? `${p.label} (${p.bands.join(', ')})` : p.kind === 'pointSeries' ? `${p.label} per point (${p.normalizedDifference.join(' vs ')})` : p.kind);
  return ` (map layers: ${preview.map(name).join(', ')})`;
}

export function renderNodeDocs(): string {
  const lines = [
    '# Node reference',
    '',
    'Generated from the catalogue by `npm run docs` (do not edit by hand). Type ids and param names are part of',
    'the public graph format. Paths are relative to the runner\'s data root.',
    '',
  ];
  for (const node of catalogJson(nodeCatalog)) {
    lines.push(`## \`${node.type}\` — ${node.label} (v${node.version}, ${node.category})`, '', node.description, '');
    const sockets = (kind: string, map: Record<string, { type: string; description?: string; preview?: readonly PreviewSpec[] }>) =>
      Object.entries(map).map(([name, s]) => `- ${kind} \`${name}\`: **${s.type}**${layersOf(s.preview)}${s.description ? ` — ${s.description}` : ''}`);
    lines.push(...sockets('input', node.inputs), ...sockets('output', node.outputs));
    const schema = node.params as JsonSchema;
    const props = Object.entries(schema.properties ?? {});
    if (props.length) {
      lines.push('', '| param | type | default | range | unit | description |', '|---|---|---|---|---|---|');
      for (const [name, p] of props) {
        const def = p.default === undefined ? (schema.required?.includes(name) ? '*required*' : '') : `\`${JSON.stringify(p.default)}\``;
        lines.push(`| \`${name}\` | ${typeOf(p)} | ${def} | ${range(p)} | ${p.unit ?? ''} | ${(p.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')}${shownWhen(p)} |`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../docs/nodes.md', import.meta.url), renderNodeDocs());
  console.log('wrote docs/nodes.md');
}
