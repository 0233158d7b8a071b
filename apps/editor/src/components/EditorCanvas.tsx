/** Hosts the canvas for the app's graph store: created once per mount, destroyed on unmount. Handles keyboard and drops. */
import { useEffect, useRef } from 'react';
import { appStore, toast } from '../model/appState.ts';
import { createCanvas } from '../rete/editor.ts';
import { attachView, getView, openFile, startRun } from '../controller.ts';
import { redo, undo } from '../docActions.ts';
import { useGraphStore } from '../hooks.ts';
import { addNode, removeNodes } from '../graph/commands.ts';
import type { GraphStore } from '../graph/store.ts';

export const PALETTE_MIME = 'application/x-sentiflow-node';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

function copyNode(store: GraphStore, id: string): number {
  if (!store.get().selection.includes(id)) store.select([id]);
  return store.copy();
}

export function EditorCanvas() {
  const ref = useRef<HTMLDivElement>(null);
  const store = useGraphStore();

  useEffect(() => {
    let disposed = false;
    let destroy = () => {};
    void createCanvas(ref.current!, store, {
      onRefused: (reason) => toast(reason, 'error'),
      onRunUpTo: (id) => void startRun(id),
      onShowResults: (id) => appStore.set({ resultsOpen: true, resultsNodeId: id }),
      onCopy: (id) => void copyNode(store, id),
      onDuplicate: (id) => {
        store.select([id]);
        store.copy();
        store.paste();
      },
    }).then((view) => {
      if (disposed) {
        view.destroy();
        return;
      }
      attachView(view);
      destroy = () => {
        attachView(null);
        view.destroy();
      };
    });
    return () => {
      disposed = true;
      destroy();
    };
  }, [store]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) undo();
      else if (mod && (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) redo();
      else if (mod && e.key.toLowerCase() === 'c') {
        const n = store.copy();
        if (n) toast(`Copied ${n} node${n > 1 ? 's' : ''}`, 'info', 1500);
      } else if (mod && e.key.toLowerCase() === 'v') store.paste();
      else if (e.key === 'Delete' || e.key === 'Backspace') store.apply(removeNodes(store.get().selection));
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    const view = getView();
    const type = e.dataTransfer.getData(PALETTE_MIME);
    if (type && view) {
      store.apply(addNode(type, view.fromClient(e.clientX, e.clientY)));
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
