/**
 * Run history that survives restarts: every run's graph is saved as `<run>/graph.json` next to `run.json`
 * (the registry reads both back on start), a person's name and note for a run live in `<run>/notes.json`.
 *   GET /api/history[?graph=<name>]  newest first: date, duration, headline, what changed since the previous run
 *   PUT /api/runs/:id/notes          { name, note }
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { writeFileAtomicSync } from '@sentiflow/nodes/io/atomicFile.ts';
import type { Graph } from '../engine/types.ts';
import { HttpError } from './errors.ts';
import type { RunEntry, RunRegistry } from './runs.ts';
import { diffGraphs, headlineOf, type HistoryItem, type RunNotes } from '@sentiflow/protocol';

export { GRAPH_FILE, saveRunGraph } from './runGraphFile.ts';
export const NOTES_FILE = 'notes.json';

export const notesSchema = z.object({
  name: z.string().trim().max(120, 'a run name has at most 120 characters').default(''),
  note: z.string().max(10_000, 'a note has at most 10,000 characters').default(''),
}).strict();
export type { HistoryItem, RunNotes } from '@sentiflow/protocol';

const historyQuery = z.object({ graph: z.string().max(500).optional() });

export function readNotes(outDir: string): RunNotes {
  const file = path.join(outDir, NOTES_FILE);
  if (!existsSync(file)) return { name: '', note: '' };
  try {
    const parsed = notesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : { name: '', note: '' };
  } catch {
    return { name: '', note: '' };
  }
}


export function variantSuffixes(graph: Graph | null): string[] {
  if (!graph) return [];
  const ids = new Set(graph.nodes.map((n) => n.id));
  const out = new Set<string>();
  for (const id of ids) {
    const m = /^(.+)(_v\d+)$/.exec(id);
    if (m && ids.has(m[1])) out.add(m[2]);
  }
  return [...out].sort();
}

export function historyItems(entries: RunEntry[]): HistoryItem[] {
  const oldestFirst = [...entries].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const lastOfGraph = new Map<string, RunEntry>();
  const items: HistoryItem[] = [];
  for (const e of oldestFirst) {
    const prev = lastOfGraph.get(e.graphName) ?? null;
    const notes = readNotes(e.outDir);
    items.push({
      runId: e.runId,
      graphName: e.graphName,
      status: e.status,
      startedAt: e.startedAt,
      duration: e.report?.duration ?? null,
      name: notes.name,
      note: notes.note,
      headline: headlineOf(e.nodes, e.graph?.nodes.map((n) => n.id)),
      previousRunId: prev?.runId ?? null,
      changes: prev ? diffGraphs(prev.graph, e.graph) : [],
      variants: variantSuffixes(e.graph),
      outDir: e.outDir,
    });
    lastOfGraph.set(e.graphName, e);
  }
  return items.reverse();
}

export function historyRouter(registry: RunRegistry): Router {
  const router = Router();
  router.get('/api/history', (req, res) => {
    const q = historyQuery.parse(req.query);
    const items = historyItems(registry.list());
    res.json(q.graph === undefined ? items : items.filter((i) => i.graphName === q.graph));
  });
  router.get('/api/runs/:id/notes', (req, res) => {
    const entry = registry.get(req.params.id);
    if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${req.params.id}"`);
    res.json(readNotes(entry.outDir));
  });
  router.put('/api/runs/:id/notes', (req, res) => {
    const entry = registry.get(req.params.id);
    if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${req.params.id}"`);
    if (!req.body || typeof req.body !== 'object') throw new HttpError(400, 'bad-request', 'expected a JSON body { "name": "...", "note": "..." }');
    const notes = notesSchema.parse(req.body);
    mkdirSync(entry.outDir, { recursive: true });
    writeFileAtomicSync(path.join(entry.outDir, NOTES_FILE), JSON.stringify(notes, null, 2) + '\n');
    res.json(notes);
  });
  return router;
}
