/**
 * Search box of the canvas context menu. The menu filters with `new RegExp(text, 'i')`, so typing "?" threw
 * "Invalid regular expression"; this box shows what was typed and hands the menu an escaped pattern.
 */
import { useState } from 'react';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Rendered by rete-react-plugin's Search, which passes onInput(event) and onPointerDown. */
export function MenuSearch(props: { onInput(e: { target: { value: string } }): void; onPointerDown(e: React.PointerEvent): void }) {
  const [text, setText] = useState('');
  return (
    <input
      className="sf-menu-search"
      data-testid="context-menu-search"
      autoFocus
      value={text}
      placeholder="Search nodes…"
      onPointerDown={props.onPointerDown}
      onChange={(e) => {
        setText(e.target.value);
        props.onInput({ target: { value: escapeRegExp(e.target.value) } });
      }}
    />
  );
}
