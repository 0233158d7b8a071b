/**
 * GET /api/runs/:id/report.html — a one-page report of a run that prints to PDF: headline (with the
 * error-adjusted area ± CI when the graph estimates one), maps with legend, scale bar and coordinates, class
 * areas and transitions (uncertain included), accuracy, the graph and its parameters, data provenance.
 */
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import type { Grid } from '@sentiflow/nodes/grid.ts';
import { crsLabel, reprojectRings } from '@sentiflow/nodes/io/crs.ts';
import type { Change, ClassMap, Metrics, Polygons, TimeSeries } from '@sentiflow/nodes/values.ts';
import { HttpError } from './errors.ts';
import { historyItems, readNotes } from './history.ts';
import { legendOf } from './previews.ts';
import { TRANSITION_COLORS } from './palette.ts';
import { esc, reportHtml, type ReportData, type ReportMap, type ReportTable } from './reportHtml.ts';
import type { RunEntry, RunRegistry } from './runs.ts';
import { headlineOf } from '@sentiflow/protocol';

const idParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/);

const ofKind = <T>(entry: RunEntry, id: string, kind: string): T | undefined =>
  Object.values(entry.nodes[id]?.outputs ?? {}).find((v) => (v as { kind?: string } | null)?.kind === kind) as T | undefined;

function corners(grid: Grid): string {
  const [x0, pw, , y0, , ph] = grid.geoTransform;
  const x1 = x0 + grid.width * pw;
  const y1 = y0 + grid.height * ph;
  const proj = `${fmtCoord(x0)}, ${fmtCoord(y0)} – ${fmtCoord(x1)}, ${fmtCoord(y1)} (${crsLabel(grid.crs)})`;
  try {
    const [[a, b]] = reprojectRings([[[x0, y0], [x1, y1]]], grid.crs, { epsg: 4326 });
    const ll = (p: number[]) => `${Math.abs(p[1]).toFixed(4)}°${p[1] >= 0 ? 'N' : 'S'} ${Math.abs(p[0]).toFixed(4)}°${p[0] >= 0 ? 'E' : 'W'}`;
    return `corners ${ll(a)} – ${ll(b)}; ${proj}`;
  } catch {
    return `corners ${proj}`;
  }
}

const fmtCoord = (v: number): string => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(5));

function widthMeters(grid: Grid): number | null {
  return grid.crs.epsg === 4326 ? null : Math.abs(grid.width * grid.geoTransform[1]);
}

function maps(entry: RunEntry, order: string[], base: string): ReportMap[] {
  const out: ReportMap[] = [];
  for (const id of order) {
    const label = entry.graph?.nodes.find((n) => n.id === id)?.label || id;
    const cm = ofKind<ClassMap>(entry, id, 'ClassMap');
    const src = (layer: string) => `${base}/nodes/${encodeURIComponent(id)}/preview.png?layer=${layer}&maxSize=700`;
    if (cm) {
      out.push({ title: label, src: src('classes'), legend: legendOf({ kind: 'classes', value: cm }), widthMeters: widthMeters(cm.grid), aspect: cm.grid.width / cm.grid.height, corners: corners(cm.grid) });
    }
    const ch = ofKind<Change>(entry, id, 'Change');
    const grid = ch ? order.map((o) => ofKind<ClassMap>(entry, o, 'ClassMap')?.grid).find(Boolean) : undefined;
    if (ch && grid) {
      // The change of interest is the one change.diff resolved from its `focus` param (none when absent).
      const f = ch.focus;
      const legend = [
        ...(f ? [{ label: `${f.from} → ${f.to}`, color: TRANSITION_COLORS.focus }] : []),
        { label: 'other change', color: TRANSITION_COLORS.otherChange },
        { label: 'unchanged', color: TRANSITION_COLORS.unchanged },
      ];
      out.push({ title: label, src: src('transitions'), legend, widthMeters: widthMeters(grid), aspect: grid.width / grid.height, corners: corners(grid) });
    }
  }
  return out.slice(-3);
}

function tables(entry: RunEntry, order: string[], base: string): ReportTable[] {
  const out: ReportTable[] = [];
  const metrics: { id: string; label: string; m: Metrics }[] = [];
  const csv = (id: string, t: string) => `${base}/nodes/${encodeURIComponent(id)}/table.csv?table=${t}`;
  for (const id of order) {
    const label = entry.graph?.nodes.find((n) => n.id === id)?.label || id;
    const ch = ofKind<Change>(entry, id, 'Change');
    if (ch) {
      const names = [...new Set([...Object.keys(ch.areaBeforeKm2), ...Object.keys(ch.areaAfterKm2)])];
      out.push({ title: `${label}: class areas (km²)`, head: ['class', 'before', 'after', 'change %'], rows: names.map((c) => [c, ch.areaBeforeKm2[c] ?? 0, ch.areaAfterKm2[c] ?? 0, ch.changePercent[c] ?? null]), csv: csv(id, 'areas') });
      const labels = ch.labels ?? ch.classes;
      out.push({ title: `${label}: transitions (km², rows before → columns after)`, head: ['from \\ to', ...labels], rows: labels.map((l, i) => [l, ...(ch.transitionKm2[i] ?? [])]), csv: csv(id, 'transitions') });
    }
    const m = ofKind<Metrics>(entry, id, 'Metrics');
    if (m && Array.isArray(m.confusion)) metrics.push({ id, label, m });
  }
  if (metrics.length) {
    const classes = [...new Set(metrics.flatMap((x) => x.m.classes))];
    out.push({
      title: 'Accuracy on validation samples (F1 per class)',
      head: ['evaluation', 'accuracy', 'κ', ...classes.map((c) => `F1 ${c}`)],
      rows: metrics.map(({ label, m }) => [label, m.accuracy, m.kappa, ...classes.map((c) => m.perClass.find((p) => p.className === c)?.f1 ?? null)]),
    });
    for (const { id, label, m } of metrics) {
      out.push({ title: `${label}: confusion (rows true)`, head: ['true \\ pred', ...m.classes], rows: m.classes.map((c, i) => [c, ...(m.confusion[i] ?? [])]), csv: csv(id, 'confusion') });
    }
  }
  return out;
}

/** ["P_2019_B2.tif", "P_2019_B3.tif"] → "P_2019_{B2,B3}.tif" (one line instead of a dozen names). */
export function compactNames(names: string[]): string {
  if (names.length < 2) return names.join(' ');
  let prefix = names[0];
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  let suffix = names[0];
  for (const n of names) while (!n.endsWith(suffix)) suffix = suffix.slice(1);
  const cut = (n: string) => n.slice(prefix.length, n.length - suffix.length);
  return `${prefix}{${names.map(cut).join(',')}}${suffix}`;
}

function provenance(entry: RunEntry, order: string[], dataRoot: string): string[] {
  const rel = (p: string) => esc(path.relative(dataRoot, p) || p);
  const out: string[] = [];
  for (const id of order) {
    const node = entry.graph?.nodes.find((n) => n.id === id);
    if (!node) continue;
    const label = `<b>${esc(node.label || id)}</b>`;
    const ts = ofKind<TimeSeries>(entry, id, 'TimeSeries');
    if (node.type === 's2.load') {
      const p = node.params as { dir?: string; prefix?: string; year?: number };
      if (!ts) {
        out.push(`${label}: ${esc(p.dir)}/${esc(p.prefix)}_${esc(p.year)}_*.tif (not loaded in this run)`);
        continue;
      }
      const files = compactNames([...Object.values(ts.bands), ...(ts.cloud ? [ts.cloud.source] : [])].flatMap((s) => s.tiles.map((t) => path.basename(t.path))));
      const dir = Object.values(ts.bands)[0]?.tiles[0] ? rel(path.dirname(Object.values(ts.bands)[0].tiles[0].path)) : esc(p.dir);
      out.push(`${label}: ${ts.dates.length} acquisitions ${esc(ts.dates[0]?.slice(0, 10))} – ${esc(ts.dates.at(-1)?.slice(0, 10))}; bands ${esc(Object.keys(ts.bands).join(' '))}` +
        `${ts.cloud ? `; cloud layer ${esc(ts.cloud.layer)}` : '; no cloud layer'}; files <code>${dir}/${esc(files)}</code>`);
    } else if (node.type === 's2.cloudMask') {
      const mask = ts?.mask ?? (node.params as TimeSeries['mask']);
      const how = mask.method === 'probability' ? `s2cloudless probability > ${mask.threshold} % masked`
        : mask.method === 'scl' ? `Sen2Cor SCL classes ${mask.classes.join(', ')} masked`
        : mask.method === 'reference' ? `difference to reference (${mask.referenceBand}, lowest ${mask.lowestFraction * 100} %) > ${mask.threshold} masked`
        : 'no cloud masking (nodata only)';
      out.push(`${label}: ${esc(how)}`);
    } else if (node.type === 's2.index' && ts) {
      out.push(`${label}: ${ts.indices.map((i) => `${esc(i.name)} = <code>${esc(i.expression)}</code>`).join('; ')}`);
    } else if (node.type === 'vector.load') {
      const poly = ofKind<Polygons>(entry, id, 'Polygons');
      const src = `<code>${esc((node.params as { path?: string }).path)}</code>`;
      out.push(`${label}: ${poly ? `${poly.features.length} polygons (${esc(poly.classes.join(', '))}) from ${src}` : src}`);
    }
  }
  return out;
}

export function reportRouter(registry: RunRegistry, dataRoot: string): Router {
  const router = Router();
  router.get('/api/runs/:id/report.html', (req, res) => {
    const id = idParam.parse(req.params.id);
    const entry = registry.get(id);
    if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${id}"`);
    if (!entry.graph) throw new HttpError(409, 'no-graph', `run "${id}" was made before runs kept their graph (no graph.json); run the graph again for a report`);
    const order = entry.graph.nodes.map((n) => n.id);
    const notes = readNotes(entry.outDir);
    const item = historyItems(registry.list()).find((i) => i.runId === id);
    // Relative to /api/runs/<id>/report.html, so the report also works behind a path prefix.
    const base = '.';
    const data: ReportData = {
      title: notes.name || entry.graphName || 'Sentiflow run',
      runId: id,
      graphName: entry.graphName,
      status: entry.status,
      startedAt: entry.startedAt,
      duration: entry.report?.duration ?? null,
      note: notes.note,
      outDir: entry.outDir,
      headline: headlineOf(entry.nodes, order),
      graph: entry.graph,
      statuses: Object.fromEntries(Object.entries(entry.nodes).map(([k, v]) => [k, v.status])),
      changes: item?.changes ?? [],
      previousRunId: item?.previousRunId ?? null,
      tables: tables(entry, order, base),
      maps: maps(entry, order, base),
      provenance: provenance(entry, order, dataRoot),
    };
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    res.type('html').send(reportHtml(data));
  });
  return router;
}
