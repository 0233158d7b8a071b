/** How a node, socket and link look on the canvas. Run status, staleness and problems come from the app store. */
import { Presets, type RenderEmit } from 'rete-react-plugin';
import type { ClassicPreset } from 'rete';
import { useApp } from '../hooks.ts';
import { categoryColor, socketColor } from '../model/catalog.ts';
import { formatDuration, formatEta } from '../model/runState.ts';
import type { Schemes, SfNode } from './nodes.ts';

function StatusLine({ id }: { id: string }) {
  const run = useApp((s) => s.run?.nodes[id]);
  const stale = useApp((s) => s.stale.has(id));
  const allProblems = useApp((s) => s.problems);
  const problems = allProblems.filter((p) => p.nodeId === id);
  const status = run?.status;
  return (
    <div className="sf-node-foot">
      {status === 'running' && (
        <div className="sf-progress" data-testid={`progress-${id}`}>
          <div className="sf-progress-bar">
            <div
              className={run?.progress && run.progress.total > 0 ? 'sf-progress-fill' : 'sf-progress-fill indeterminate'}
              style={{ width: run?.progress && run.progress.total > 0 ? `${(100 * run.progress.done) / run.progress.total}%` : undefined }}
            />
          </div>
          <div className="sf-progress-text">
            {run?.progress ? `${run.progress.done}/${run.progress.total} ${run.progress.unit}` : 'starting…'}
            {run?.progress?.eta !== undefined && run.progress.eta !== null && <span> · ETA {formatEta(run.progress.eta)}</span>}
          </div>
        </div>
      )}
      {status === 'failed' && (
        <div className="sf-node-error" data-testid={`error-${id}`}>
          {run?.error?.message}
        </div>
      )}
      {(status === 'done' || status === 'cached') && (
        <div className="sf-node-done">
          {status === 'cached' ? 'from cache' : `done in ${formatDuration(run?.duration)}`}
          {stale && <span className="sf-stale-tag" data-testid={`stale-${id}`}> · stale: params changed</span>}
        </div>
      )}
      {stale && status !== 'done' && status !== 'cached' && (
        <div className="sf-node-done">
          <span className="sf-stale-tag" data-testid={`stale-${id}`}>stale: params changed</span>
        </div>
      )}
      {problems.length > 0 && (
        <ul className="sf-node-problems" data-testid={`problems-${id}`}>
          {problems.slice(0, 3).map((p, i) => (
            <li key={i} title={p.code}>
              {p.message}
            </li>
          ))}
          {problems.length > 3 && <li>… {problems.length - 3} more</li>}
        </ul>
      )}
    </div>
  );
}

function StatusBadge({ id }: { id: string }) {
  const run = useApp((s) => s.run?.nodes[id]);
  const stale = useApp((s) => s.stale.has(id));
  const hasProblems = useApp((s) => s.problems.some((p) => p.nodeId === id));
  let status: string = run?.status ?? 'idle';
  if (stale && (status === 'done' || status === 'cached')) status = 'stale';
  if (status === 'idle' && hasProblems) status = 'invalid';
  if (status === 'idle') return null;
  const pct = run?.status === 'running' && run.progress && run.progress.total > 0 ? ` ${Math.floor((100 * run.progress.done) / run.progress.total)}%` : '';
  return (
    <span className={`sf-badge sf-badge-${status}`} data-testid={`status-${id}`} data-status={status}>
      {status}
      {pct}
    </span>
  );
}

export function NodeView(props: { data: SfNode; emit: RenderEmit<Schemes> }) {
  const node = props.data;
  const id = node.id;
  const status = useApp((s) => s.run?.nodes[id]?.status ?? 'idle');
  const stale = useApp((s) => s.stale.has(id));
  const hasProblems = useApp((s) => s.problems.some((p) => p.nodeId === id));
  const category = node.entry?.category ?? 'Unknown';
  const inputs = Object.entries(node.inputs);
  const outputs = Object.entries(node.outputs);
  const cls = ['sf-node', `status-${status}`, node.selected ? 'selected' : '', stale ? 'stale' : '', hasProblems ? 'invalid' : '', node.entry ? '' : 'unknown'].join(' ');
  return (
    <div className={cls} style={{ width: node.width }} data-testid={`node-${id}`} data-node-id={id} data-status={status} data-stale={stale ? 'true' : 'false'}>
      <div className="sf-node-head" style={{ borderTopColor: categoryColor(category) }}>
        <div className="sf-node-titles">
          <div className="sf-node-title" data-testid={`node-title-${id}`}>
            {node.label}
          </div>
          <div className="sf-node-type">
            {id} · {node.nodeType}
            {node.entry ? '' : ' (unknown type)'}
          </div>
        </div>
        <StatusBadge id={id} />
      </div>
      <div className="sf-node-body">
        {outputs.map(([key, out]) =>
          out ? (
            <div className="sf-row sf-row-out" key={key} title={`${out.socket.name} output`}>
              <span className="sf-socket-label">{out.label}</span>
              <span data-testid={`socket-out-${id}-${key}`} className="sf-socket-wrap" data-socket-type={out.socket.name}>
                <Presets.classic.RefSocket name="output-socket" side="output" emit={props.emit as never} socketKey={key} nodeId={id} payload={out.socket} />
              </span>
            </div>
          ) : null,
        )}
        {inputs.map(([key, inp]) =>
          inp ? (
            <div className="sf-row sf-row-in" key={key} title={`${inp.socket.name} input`}>
              <span data-testid={`socket-in-${id}-${key}`} className="sf-socket-wrap" data-socket-type={inp.socket.name}>
                <Presets.classic.RefSocket name="input-socket" side="input" emit={props.emit as never} socketKey={key} nodeId={id} payload={inp.socket} />
              </span>
              <span className="sf-socket-label">{inp.label}</span>
            </div>
          ) : null,
        )}
      </div>
      <StatusLine id={id} />
    </div>
  );
}

export function SocketView(props: { data: ClassicPreset.Socket }) {
  const type = props.data.name;
  return <div className="sf-socket" style={{ background: socketColor(type) }} title={type} />;
}

export function ConnectionView(props: { data: Schemes['Connection'] & { socketType?: string } }) {
  const { path } = Presets.classic.useConnection();
  if (!path) return null;
  const color = props.data.socketType ? socketColor(props.data.socketType) : '#8aa0b8';
  return (
    <svg className="sf-connection" data-testid="connection" data-source={props.data.source} data-target={props.data.target}>
      <path d={path} stroke={color} />
    </svg>
  );
}
