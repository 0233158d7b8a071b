/**
 * The one-page run report as self-contained HTML (inline CSS, A4 print rules). Pure: the route gathers the
 * facts (reportData in report.ts), this only lays them out. Every text from a graph is escaped.
 */
import { describeChange, type GraphChange, type GraphLike, type Headline } from '@sentiflow/protocol';

export interface ReportMap {
  title: string;
  src: string;
  legend: { label: string; color: string }[];
  /** Ground width of the map, metres (for the scale bar); null when the CRS is not metric. */
  widthMeters: number | null;
  aspect: number;
  corners: string;
}

export interface ReportTable {
  title: string;
  head: string[];
  rows: (string | number | null)[][];
  csv?: string;
}

export interface ReportData {
  title: string;
  runId: string;
  graphName: string;
  status: string;
  startedAt: string;
  duration: number | null;
  note: string;
  outDir: string;
  headline: Headline;
  graph: GraphLike;
  statuses: Record<string, string>;
  changes: GraphChange[];
  previousRunId: string | null;
  tables: ReportTable[];
  maps: ReportMap[];
  provenance: string[];
}

export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function fmt(v: unknown, digits = 2): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '–' : esc(v);
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) && Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : v.toFixed(digits);
}

/** Table cells: integers as they are, other numbers to 3 significant digits (0.0231, 2.79, 36.9). */
function cell(v: unknown): string {
  if (typeof v !== 'number' || Number.isInteger(v)) return fmt(v, 0);
  return Math.abs(v) >= 100 ? v.toFixed(1) : fmtKm2(v);
}

/** Areas to 3 significant digits below 10 km² (0.0231, 2.79), one decimal above. */
export function fmtKm2(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 10 ? v.toFixed(1) : Number(v.toPrecision(3)).toString();
}

/** A round scale-bar length (1, 2 or 5 × 10^n metres) close to a quarter of the map width. */
export function scaleBar(widthMeters: number): { meters: number; percent: number; label: string } {
  const target = widthMeters / 4;
  const p = 10 ** Math.floor(Math.log10(target));
  const meters = [5, 2, 1].map((m) => m * p).find((m) => m <= target) ?? p;
  return { meters, percent: (100 * meters) / widthMeters, label: meters >= 1000 ? `${meters / 1000} km` : `${meters} m` };
}

function graphSvg(g: ReportData['graph'], statuses: Record<string, string>): string {
  const W = 150;
  const H = 34;
  const pos = new Map(g.nodes.map((n, i) => [n.id, n.position ?? { x: (i % 6) * 300, y: Math.floor(i / 6) * 150 }]));
  const xs = [...pos.values()].map((p) => p.x);
  const ys = [...pos.values()].map((p) => p.y);
  const [minX, minY] = [Math.min(...xs, 0), Math.min(...ys, 0)];
  // Positions are editor pixels for ~200 px wide nodes; halve them so a 16-node graph fits the page width.
  const at = (id: string) => ({ x: (pos.get(id)!.x - minX) / 2, y: (pos.get(id)!.y - minY) / 2 });
  const width = Math.max(...g.nodes.map((n) => at(n.id).x)) + W + 4;
  const height = Math.max(...g.nodes.map((n) => at(n.id).y)) + H + 4;
  const color: Record<string, string> = { done: '#1a9641', cached: '#2b83ba', failed: '#d7191c', skipped: '#999', cancelled: '#999' };
  const links = g.links
    .filter((l) => pos.has(l.from.node) && pos.has(l.to.node))
    .map((l) => {
      const a = at(l.from.node);
      const b = at(l.to.node);
      return `<path d="M${a.x + W},${a.y + H / 2} C${a.x + W + 30},${a.y + H / 2} ${b.x - 30},${b.y + H / 2} ${b.x},${b.y + H / 2}" fill="none" stroke="#888" stroke-width="1"/>`;
    });
  const nodes = g.nodes.map((n) => {
    const p = at(n.id);
    return `<g><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="4" fill="#fff" stroke="${color[statuses[n.id]] ?? '#555'}" stroke-width="1.5"/>` +
      `<text x="${p.x + 6}" y="${p.y + 14}" font-size="11" font-weight="600">${esc((n.label || n.id).slice(0, 24))}</text>` +
      `<text x="${p.x + 6}" y="${p.y + 27}" font-size="9" fill="#666">${esc(n.type)}</text></g>`;
  });
  return `<svg class="graph" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" role="img" aria-label="graph">${links.join('')}${nodes.join('')}</svg>`;
}

function table(t: ReportTable): string {
  return `<table><caption>${esc(t.title)}${t.csv ? ` <a class="noprint" href="${esc(t.csv)}">CSV</a>` : ''}</caption><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${cell(c)}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
}

function map(m: ReportMap, showCorners: boolean): string {
  const bar = m.widthMeters ? scaleBar(m.widthMeters) : null;
  // A fixed height band: the width follows the map's aspect, so the scale bar (a % of the width) stays true.
  return `<figure class="map" style="width:${Math.min(60, 32 * m.aspect).toFixed(1)}mm"><figcaption>${esc(m.title)}</figcaption><img src="${esc(m.src)}" alt="${esc(m.title)}" style="aspect-ratio:${m.aspect.toFixed(4)}"/>` +
    (bar ? `<div class="scale"><span style="width:${bar.percent.toFixed(2)}%"></span>${esc(bar.label)}</div>` : '') +
    `<div class="legend">${m.legend.map((e) => `<span><i style="background:${esc(e.color)}"></i>${esc(e.label)}</span>`).join('')}</div>` +
    (showCorners ? `<div class="coords">${esc(m.corners)}</div>` : '') + '</figure>';
}

/** Maps side by side; the corner coordinates once below them when all maps cover the same area. */
function mapsHtml(maps: ReportMap[]): string {
  if (!maps.length) return '';
  const shared = maps.every((m) => m.corners === maps[0].corners);
  return `<h2>Maps</h2><div class="maps">${maps.map((m) => map(m, !shared)).join('')}</div>${shared ? `<div class="coords">${esc(maps[0].corners)}</div>` : ''}`;
}

function headlineHtml(h: Headline): string {
  const same = (a: string | null, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
  // The transition of interest ("<from>→<to>"), else its target class, else the first estimate.
  const est = h.areaEstimates.find((e) => same(e.className, `${h.from}→${h.to}`)) ?? h.areaEstimates.find((e) => same(e.className, String(h.to))) ?? h.areaEstimates[0];
  const cards: string[] = [];
  if (h.transitionKm2 !== null) cards.push(`<div class="card"><b>${fmtKm2(h.transitionKm2)} km²</b><span>${esc(h.from)} → ${esc(h.to)} (map count)</span></div>`);
  if (est) cards.push(`<div class="card"><b>${fmtKm2(est.areaKm2)}${est.ciKm2 !== null ? ` ± ${fmtKm2(est.ciKm2)}` : ''} km²</b><span>error-adjusted area${est.className ? ` of ${esc(est.className)}` : ''} (95 % CI)</span></div>`);
  if (h.changePercent !== null) cards.push(`<div class="card"><b>${h.changePercent >= 0 ? '+' : ''}${fmt(h.changePercent, 1)} %</b><span>${esc(h.to)} area change</span></div>`);
  if (h.accuracy.length) {
    const lo = Math.min(...h.accuracy.map((a) => a.accuracy));
    const hi = Math.max(...h.accuracy.map((a) => a.accuracy));
    const range = lo === hi ? `${fmt(lo * 100, 1)} %` : `${fmt(lo * 100, 1)}–${fmt(hi * 100, 1)} %`;
    cards.push(`<div class="card"><b>${range}</b><span>overall accuracy (${h.accuracy.length} evaluation${h.accuracy.length > 1 ? 's' : ''}, below)</span></div>`);
  }
  return cards.length ? `<div class="cards">${cards.join('')}</div>` : '<p class="muted">No change or accuracy results in this run.</p>';
}

const CSS = `
@page { size: A4; margin: 8mm; }
* { box-sizing: border-box; }
body { font: 8pt/1.25 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0 auto; max-width: 190mm; padding: 4mm; }
h1 { font-size: 14pt; margin: 0 0 1mm; } h2 { font-size: 10pt; margin: 2mm 0 1mm; border-bottom: 1px solid #ccc; }
.meta, .muted { color: #666; } .meta span { margin-right: 4mm; }
.cards { display: flex; gap: 2mm; flex-wrap: wrap; } .card { border: 1px solid #ccc; border-radius: 2mm; padding: 1.5mm 3mm; }
.card b { display: block; font-size: 12pt; } .card span { color: #555; font-size: 8pt; }
.tables { display: flex; flex-wrap: wrap; gap: 0 4mm; align-items: flex-start; }
table { border-collapse: collapse; margin: 1mm 0; font-size: 7.5pt; } caption { text-align: left; font-weight: 600; max-width: 60mm; }
th, td { border: 1px solid #ddd; padding: 0.5mm 1.5mm; } td { text-align: right; font-variant-numeric: tabular-nums; } thead th { background: #f3f3f3; }
.graph { width: 100%; max-height: 28mm; }
.maps { display: flex; gap: 3mm; flex-wrap: wrap; } .map { margin: 0; } .map img { width: 100%; image-rendering: pixelated; border: 1px solid #ccc; display: block; }
.map figcaption { font-weight: 600; } .legend span { margin-right: 2mm; white-space: nowrap; } .legend i { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm; vertical-align: middle; }
.scale { font-size: 7.5pt; } .scale span { display: inline-block; height: 1.6mm; border: 1px solid #222; border-top: 0; margin-right: 1.5mm; vertical-align: middle; }
.coords { font-size: 7pt; color: #555; } ul { margin: 0; padding-left: 4mm; } code { font-size: 7.5pt; word-break: break-all; }
.params, .prov { column-count: 3; column-gap: 4mm; font-size: 7pt; } .prov { column-count: 2; } .prov li { break-inside: avoid; } .params div { break-inside: avoid; }
@media print { .noprint { display: none; } body { padding: 0; max-width: none; zoom: 0.86; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } }
`;

export function reportHtml(d: ReportData): string {
  const params = d.graph.nodes.filter((n) => Object.keys(n.params ?? {}).length)
    .map((n) => `<div><b>${esc(n.label || n.id)}</b> <code>${esc(Object.entries(n.params ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' '))}</code></div>`).join('');
  const tables = d.tables.map(table);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)} – Sentiflow report</title><style>${CSS}</style></head><body>
<h1>${esc(d.title)}</h1>
<div class="meta"><span>Graph: ${esc(d.graphName)}</span><span>Run ${esc(d.runId)}</span><span>${esc(d.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</span><span>${d.duration === null ? esc(d.status) : `${esc(d.status)} in ${fmt(d.duration / 1000, 1)} s`}</span>
<span class="noprint">Print or save as PDF with Ctrl+P</span></div>
${d.note ? `<p>${esc(d.note)}</p>` : ''}
<h2>Headline</h2>${headlineHtml(d.headline)}
${mapsHtml(d.maps)}
<h2>Areas, transitions and accuracy</h2><div class="tables">${tables.join('')}</div>
<h2>Graph</h2>${graphSvg(d.graph, d.statuses)}
${d.changes.length ? `<p><b>Changed since run ${esc(d.previousRunId)}:</b> ${d.changes.map((c) => esc(describeChange(c))).join('; ')}</p>` : ''}
<h2>Parameters</h2><div class="params">${params}</div>
<h2>Data provenance</h2><ul class="prov">${d.provenance.map((p) => `<li>${p}</li>`).join('')}</ul>
<p class="muted">Outputs on disk: <code>${esc(d.outDir)}</code> · made with Sentiflow</p>
</body></html>
`;
}
