/**
 * Resizable and collapsible side and bottom panels: drag a splitter (or focus it and use the arrow keys),
 * click its button to collapse or expand. Sizes are CSS variables on the app root, remembered in the browser.
 */
import { useEffect, useState } from 'react';

type Panel = 'palette' | 'inspector' | 'results';
const KEY = 'sentiflow.layout';
const DEFAULTS: Record<Panel, number> = { palette: 250, inspector: 330, results: 46 };
const LIMITS: Record<Panel, [number, number]> = { palette: [160, 480], inspector: [220, 640], results: [15, 85] };

interface Layout {
  sizes: Record<Panel, number>;
  collapsed: Record<Panel, boolean>;
}

function load(): Layout {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '') as Layout;
    if (v && v.sizes && v.collapsed) return v;
  } catch {
    // first visit or unreadable: defaults
  }
  return { sizes: { ...DEFAULTS }, collapsed: { palette: false, inspector: false, results: false } };
}

let layout = load();
const listeners = new Set<() => void>();

function apply(): void {
  const root = document.documentElement.style;
  root.setProperty('--sf-palette-w', layout.collapsed.palette ? '0px' : `${layout.sizes.palette}px`);
  root.setProperty('--sf-inspector-w', layout.collapsed.inspector ? '0px' : `${layout.sizes.inspector}px`);
  root.setProperty('--sf-results-h', `${layout.sizes.results}%`);
  document.documentElement.dataset.sfCollapsed = (Object.keys(layout.collapsed) as Panel[]).filter((p) => layout.collapsed[p]).join(' ');
  localStorage.setItem(KEY, JSON.stringify(layout));
  for (const l of listeners) l();
}

function update(fn: (l: Layout) => void): void {
  layout = structuredClone(layout);
  fn(layout);
  apply();
}

export function usePanelsLayout(): Layout {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.add(l);
    apply();
    return () => void listeners.delete(l);
  }, []);
  return layout;
}

const clamp = (p: Panel, v: number) => Math.max(LIMITS[p][0], Math.min(LIMITS[p][1], v));

/** A splitter beside `panel`: vertical for the side panels, horizontal above the results. */
export function Splitter({ panel }: { panel: Panel }) {
  const l = usePanelsLayout();
  const vertical = panel !== 'results';
  const collapsed = l.collapsed[panel];
  const onPointerDown = (e: React.PointerEvent) => {
    if ((e.target as HTMLElement).tagName === 'BUTTON') return;
    e.preventDefault();
    const start = vertical ? e.clientX : e.clientY;
    const startSize = l.sizes[panel];
    const parentH = (e.currentTarget.parentElement?.getBoundingClientRect().height ?? 600) || 600;
    const move = (ev: PointerEvent) => {
      const d = (vertical ? ev.clientX : ev.clientY) - start;
      const next = panel === 'palette' ? startSize + d : panel === 'inspector' ? startSize - d : startSize - (100 * d) / parentH;
      update((x) => {
        x.collapsed[panel] = false;
        x.sizes[panel] = clamp(panel, next);
      });
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const step = panel === 'results' ? 5 : 20;
    const sign = panel === 'palette' ? 1 : -1;
    const keys: Record<string, number> = vertical ? { ArrowRight: sign * step, ArrowLeft: -sign * step } : { ArrowUp: step, ArrowDown: -step };
    if (keys[e.key] === undefined) return;
    e.preventDefault();
    update((x) => {
      x.collapsed[panel] = false;
      x.sizes[panel] = clamp(panel, x.sizes[panel] + keys[e.key]);
    });
  };
  const arrow = panel === 'palette' ? (collapsed ? '▸' : '◂') : panel === 'inspector' ? (collapsed ? '◂' : '▸') : collapsed ? '▴' : '▾';
  return (
    <div
      className={`sf-splitter sf-splitter-${vertical ? 'v' : 'h'}`}
      data-testid={`splitter-${panel}`}
      role="separator"
      aria-orientation={vertical ? 'vertical' : 'horizontal'}
      aria-label={`Resize the ${panel} panel (arrow keys)`}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    >
      <button
        className="sf-splitter-toggle"
        data-testid={`collapse-${panel}`}
        title={collapsed ? `Show the ${panel}` : `Hide the ${panel}`}
        aria-label={collapsed ? `Show the ${panel}` : `Hide the ${panel}`}
        onClick={() => update((x) => void (x.collapsed[panel] = !x.collapsed[panel]))}
      >
        {arrow}
      </button>
    </div>
  );
}

export function isCollapsed(panel: Panel): boolean {
  return layout.collapsed[panel];
}
