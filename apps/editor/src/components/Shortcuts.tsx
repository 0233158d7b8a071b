/**
 * Keyboard access beyond the canvas's edit keys: save, run, palette search, moving between nodes, the
 * inspector, closing menus, and the list of shortcuts under "?".
 */
import { useEffect, useState } from 'react';
import { getView, startRun } from '../controller.ts';
import { save } from '../docActions.ts';

export const SHORTCUTS: [string, string][] = [
  ['?', 'Show or hide this list'],
  ['/', 'Search the palette; ↓ ↑ move in the list, Enter adds the node next to the selection'],
  ['] / [', 'Select the next / previous node on the canvas'],
  ['Enter', 'Edit the selected node (focus its first parameter)'],
  ['Escape', 'Close a menu or dialog; back to the canvas'],
  ['Ctrl+S', 'Save the graph (download JSON)'],
  ['Ctrl+Enter', 'Run the graph'],
  ['Ctrl+Z / Ctrl+Y', 'Undo / redo (Undo also brings back a graph replaced by New, Open or an example)'],
  ['Ctrl+C / Ctrl+V', 'Copy / paste the selected nodes'],
  ['Delete', 'Delete the selected nodes'],
  ['Right-click', 'Canvas: add a node; node: run up to here, results, duplicate, delete'],
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

export function Shortcuts() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const ed = getView();
      if (mod && e.key.toLowerCase() === 's') {
        save();
      } else if (mod && e.key === 'Enter') {
        void startRun();
      } else if (e.key === 'Escape') {
        if (open) setOpen(false);
        else if (!ed?.closeMenu()) {
          // No menu open: leave a field for the canvas (dialogs close themselves on Escape).
          if (!isTyping(e.target) || document.querySelector('.sf-modal')) return;
          (document.querySelector('[data-testid="editor-canvas"]') as HTMLElement | null)?.focus();
        }
      } else if (isTyping(e.target) || mod || e.altKey) {
        return;
      } else if (e.key === '?') {
        setOpen((o) => !o);
      } else if (e.key === '/') {
        (document.querySelector('[data-testid="palette-search"]') as HTMLElement | null)?.focus();
      } else if (e.key === ']' || e.key === '[') {
        void ed?.selectNext(e.key === ']' ? 1 : -1);
      } else if (e.key === 'Enter' && (e.target as HTMLElement | null)?.dataset?.testid === 'editor-canvas') {
        (document.querySelector('.sf-inspector .sf-fields input, .sf-inspector .sf-fields select, .sf-inspector .sf-fields button') as HTMLElement | null)?.focus();
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  if (!open) return null;
  return (
    <div className="sf-modal-backdrop" onClick={() => setOpen(false)}>
      <div className="sf-modal sf-shortcuts" data-testid="shortcuts" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <div className="sf-modal-head">
          <b>Keyboard shortcuts</b>
        </div>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, what]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="sf-modal-foot">
          <button className="primary" onClick={() => setOpen(false)} autoFocus>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
