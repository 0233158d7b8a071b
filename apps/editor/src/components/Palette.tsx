/** Node palette from the catalogue: grouped by category, searchable, click or drag to add. */
import { useMemo, useState } from 'react';
import { useApp } from '../hooks.ts';
import { paletteGroups, shortDescription, socketColor } from '../model/catalog.ts';
import { getEditor } from '../controller.ts';
import { PALETTE_MIME } from './EditorCanvas.tsx';

export function Palette() {
  const catalog = useApp((s) => s.catalog);
  const [search, setSearch] = useState('');
  const groups = useMemo(() => paletteGroups(catalog, search), [catalog, search]);
  return (
    <aside className="sf-palette" data-testid="palette">
      <input className="sf-search" data-testid="palette-search" placeholder="Search nodes…" value={search} onChange={(e) => setSearch(e.target.value)} />
      <div className="sf-palette-list">
        {groups.map((g) => (
          <section key={g.category} className="sf-palette-group" data-testid={`palette-group-${g.category}`}>
            <h3>{g.category}</h3>
            {g.entries.map((e) => (
              <div
                key={e.type}
                className="sf-palette-item"
                data-testid={`palette-item-${e.type}`}
                draggable
                title={e.description}
                onDragStart={(ev) => {
                  ev.dataTransfer.setData(PALETTE_MIME, e.type);
                  ev.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={async () => {
                  const ed = getEditor();
                  const id = await ed?.addNode(e.type);
                  if (id) await ed?.selectNode(id);
                }}
              >
                <div className="sf-palette-item-head">
                  <span className="sf-palette-label">{e.label}</span>
                  <span className="sf-palette-sockets">
                    {Object.values(e.inputs).map((s, i) => (
                      <i key={`i${i}`} style={{ background: socketColor(s.type) }} title={`in: ${s.type}`} />
                    ))}
                    <span className="sf-arrow">→</span>
                    {Object.values(e.outputs).map((s, i) => (
                      <i key={`o${i}`} style={{ background: socketColor(s.type) }} title={`out: ${s.type}`} />
                    ))}
                  </span>
                </div>
                <div className="sf-palette-desc">{shortDescription(e.description)}</div>
              </div>
            ))}
          </section>
        ))}
        {!groups.length && <div className="sf-empty">No node matches “{search}”.</div>}
      </div>
    </aside>
  );
}
