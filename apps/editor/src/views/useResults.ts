import { useEffect, useState } from 'react';
import { useApp } from '../hooks.ts';
import { graphStore, runInfo } from '../controller.ts';
import type { NodeResult } from '../model/results.ts';

/** The latest result of every node (fetched from GET /api/runs/:id of the run that produced it). */
export function useNodeResults(): { results: NodeResult[]; loading: boolean } {
  const refs = useApp((s) => s.results);
  const runStatus = useApp((s) => s.run?.status);
  const lastSeq = useApp((s) => s.run?.lastSeq);
  const [results, setResults] = useState<NodeResult[]>([]);
  const [loading, setLoading] = useState(false);
  const runIds = [...new Set(Object.values(refs).map((r) => r.runId))];
  const key = `${runIds.join(',')}|${Object.keys(refs).length}|${runStatus}|${runStatus === 'running' ? Math.floor((lastSeq ?? 0) / 25) : ''}`;

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    Promise.all(runIds.map((id) => runInfo(id).then((info) => [id, info] as const, () => [id, null] as const)))
      .then((infos) => {
        if (cancelled) return;
        const byRun = new Map(infos);
        const out: NodeResult[] = [];
        for (const [nodeId, ref] of Object.entries(refs)) {
          const info = byRun.get(ref.runId);
          const state = info?.nodes?.[nodeId] ?? (info?.report?.nodes?.[nodeId] as NodeResult['state'] | undefined);
          if (!state) continue;
          const merged = { ...state, files: state.files ?? info?.report?.nodes?.[nodeId]?.files };
          const gnode = info?.graph?.nodes.find((n) => n.id === nodeId);
          const node = graphStore()?.node(nodeId);
          const label = node ? (node.label ?? graphStore()?.entries.get(node.type)?.label ?? node.type) : (gnode?.label ?? nodeId);
          out.push({ nodeId, runId: ref.runId, type: gnode?.type ?? node?.type ?? '', label, state: merged });
        }
        const order = graphStore()?.get().doc.nodes.map((n) => n.id) ?? [];
        out.sort((a, b) => order.indexOf(a.nodeId) - order.indexOf(b.nodeId));
        setResults(out);
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- `key` is built from refs and runIds

  return { results, loading };
}
