/** Shows an earlier run's results in the result tabs (the run is read back from the runner's disk). */
import { runInfo } from '../controller.ts';
import { appStore, toast } from '../model/appState.ts';
import { nodeKeys } from '../model/graphDoc.ts';

export async function showRunResults(runId: string): Promise<void> {
  try {
    const info = await runInfo(runId);
    if (!info.graph) {
      toast('This run was made before runs kept their graph; run the graph again to see it here.', 'error');
      return;
    }
    // Keys of the run's own graph: nodes whose params changed since are then marked stale, as after a live run.
    const keys = nodeKeys(info.graph);
    const results = { ...appStore.get().results };
    let shown = 0;
    for (const [id, state] of Object.entries(info.nodes ?? {})) {
      if (state.status !== 'done' && state.status !== 'cached') continue;
      results[id] = { runId, key: keys[id] };
      shown++;
    }
    appStore.set({ results, resultsOpen: true });
    toast(shown ? `Showing ${shown} results of run ${runId}.` : 'That run has no finished nodes.', shown ? 'success' : 'info', 3000);
  } catch (e) {
    toast(`Cannot read run ${runId}: ${(e as Error).message}`, 'error');
  }
}
