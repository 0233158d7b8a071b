/** Hosts the Rete editor: created once per mount, destroyed on unmount. Handles keyboard and drops. */
import { useEffect, useRef } from 'react';
import { appStore, toast } from '../model/appState.ts';
import { createEditor } from '../rete/editor.ts';
import { attachEditor, autosavedGraph, getEditor, graphChanged, openFile, openGraph, startRun } from '../controller.ts';
import { undo } from '../docActions.ts';

export const PALETTE_MIME = 'application/x-sentiflow-node';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

export function EditorCanvas() {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let disposed = false;
    let destroy = () => {};
    const { catalog } = appStore.get();
    void createEditor(ref.current!, catalog, {
      onChange: graphChanged,
      onSelect: (id) => appStore.set({ selectedNodeId: id }),
      onRefused: (reason) => toast(reason, 'error'),
      onRunUpTo: (id) => void startRun(id),
      onShowResults: (id) => appStore.set({ resultsOpen: true, resultsNodeId: id }),
    }).then(async (api) => {
      if (disposed) {
        api.destroy();
        return;
      }
      attachEditor(api);
      destroy = () => {
        attachEditor(null);
        api.destroy();
      };
      const saved = autosavedGraph();
      if (saved) await openGraph(saved);
    });
    return () => {
      disposed = true;
      destroy();
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const ed = getEditor();
      if (!ed || isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) void undo();
      else if (mod && (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) void ed.redo();
      else if (mod && e.key.toLowerCase() === 'c') {
        const n = ed.copySelected();
        if (n) toast(`Copied ${n} node${n > 1 ? 's' : ''}`, 'info', 1500);
      } else if (mod && e.key.toLowerCase() === 'v') void ed.paste();
      else if (e.key === 'Delete' || e.key === 'Backspace') void ed.removeSelected();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    const ed = getEditor();
    const type = e.dataTransfer.getData(PALETTE_MIME);
    if (type && ed) {
      void ed.addNodeAtClient(type, e.clientX, e.clientY).then((id) => (id ? ed.selectNode(id) : undefined));
      return;
    }
    const file = e.dataTransfer.files[0];
    if (file) void openFile(file);
  };

  return (
    <div
      className="sf-canvas"
      data-testid="editor-canvas"
      ref={ref}
      tabIndex={0}
      aria-label="Graph canvas: ] and [ select the next and previous node, Enter edits the selected node, ? lists the shortcuts"
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDrop={onDrop}
    />
  );
}
