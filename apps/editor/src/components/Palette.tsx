/** Node palette from the catalogue: grouped by category, searchable, click or drag to add. */
import { useMemo, useState } from 'react';
import { useApp } from '../hooks.ts';
import { paletteGroups, shortDescription, socketColor } from '../model/catalog.ts';
import { addFromPalette } from '../docActions.ts';
import { PALETTE_MIME } from './EditorCanvas.tsx';

export function Palette() {
  const catalog = useApp((s) => s.catalog);
  const [search, setSearch] = useState('');
  const groups = useMemo(() => paletteGroups(catalog, search), [catalog, search]);
  return (
    <aside className="sf-palette" data-testid="palette">
      <input className="sf-search" data-testid="palette-search" placeholder="Search nodes… ( / )" aria-label="Search nodes" value={search} onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          // Enter adds the first match; ↓ moves into the list (Tab works too).
          if (e.key === 'Enter' && groups[0]?.entries[0]) void addFromPalette(groups[0].entries[0].type);
          else if (e.key === 'ArrowDown') (document.querySelector('.sf-palette-item') as HTMLElement | null)?.focus();
          else return;
          e.preventDefault();
        }}
      />
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
                tabIndex={0}
                role="button"
                aria-label={`Add ${e.label}`}
                title={`${e.description}\n\nClick or Enter: add next to the selected node, linked when the types fit.`}
                onKeyDown={(ev) => {
                  const el = ev.currentTarget;
                  if (ev.key === 'Enter' || ev.key === ' ') void addFromPalette(e.type);
                  else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
                    const all = [...document.querySelectorAll<HTMLElement>('.sf-palette-item')];
                    all[Math.max(0, Math.min(all.length - 1, all.indexOf(el) + (ev.key === 'ArrowDown' ? 1 : -1)))]?.focus();
                  } else return;
                  ev.preventDefault();
                }}
                onDragStart={(ev) => {
                  ev.dataTransfer.setData(PALETTE_MIME, e.type);
                  ev.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => void addFromPalette(e.type)}
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
