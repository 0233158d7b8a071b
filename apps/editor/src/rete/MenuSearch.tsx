/**
 * Search box of the canvas context menu. The menu filters with `new RegExp(text, 'i')`, so typing "?" threw
 * "Invalid regular expression"; this box shows what was typed and hands the menu an escaped pattern.
 */
import { useState } from 'react';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function MenuSearch(props: { value: string; onChange(value: string): void }) {
  const [text, setText] = useState('');
  return (
    <input
      className="sf-menu-search"
      data-testid="context-menu-search"
      autoFocus
      value={text}
      placeholder="Search nodes…"
      onChange={(e) => {
        setText(e.target.value);
        props.onChange(escapeRegExp(e.target.value));
      }}
    />
  );
}
