/** Browses the runner's data root (GET /api/files) to pick a file or folder. */
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { FileEntry } from '../api/types.ts';

function parentOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  parts.pop();
  return parts.join('/');
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

export function FilePicker(props: { initial: string; onPick(path: string): void; onClose(): void }) {
  const start = props.initial ? props.initial : '';
  const [dir, setDir] = useState(start);
  const [entries, setEntries] = useState<FileEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setEntries(null);
    setError(null);
    api.files(dir).then(
      (r) => setEntries([...r.entries].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1))),
      (e: Error) => {
        // The initial value may be a file: browse its folder instead.
        if (dir && dir === start) setDir(parentOf(dir));
        else setError(e.message);
      },
    );
  }, [dir]); // eslint-disable-line react-hooks/exhaustive-deps -- `start` only matters for the first folder

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props]);

  return (
    <div className="sf-modal-backdrop" onClick={props.onClose}>
      <div className="sf-modal" data-testid="file-picker" onClick={(e) => e.stopPropagation()}>
        <div className="sf-modal-head">
          <b>Data root</b> / <span className="sf-mono">{dir || '.'}</span>
        </div>
        <div className="sf-file-list">
          {dir && (
            <button className="sf-file-row" data-testid="file-up" onClick={() => setDir(parentOf(dir))}>
              ⬑ ..
            </button>
          )}
          {error && <div className="sf-field-error">{error}</div>}
          {!entries && !error && <div className="muted">Loading…</div>}
          {entries?.map((e) => (
            <div key={e.name} className="sf-file-row-wrap">
              <button
                className="sf-file-row"
                data-testid={`file-entry-${e.name}`}
                onClick={() => (e.type === 'dir' ? setDir(join(dir, e.name)) : props.onPick(join(dir, e.name)))}
              >
                {e.type === 'dir' ? '📁' : '📄'} {e.name}
                {e.type === 'file' && e.size !== undefined && <span className="muted"> · {(e.size / 1024).toFixed(0)} KB</span>}
              </button>
            </div>
          ))}
        </div>
        <div className="sf-modal-foot">
          <button onClick={props.onClose}>Cancel</button>
          <button className="primary" data-testid="file-pick-folder" onClick={() => props.onPick(dir)}>
            Use this folder
          </button>
        </div>
      </div>
    </div>
  );
}
