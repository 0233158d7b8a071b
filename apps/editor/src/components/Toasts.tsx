import { useApp } from '../hooks.ts';

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <div className="sf-toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`sf-toast sf-toast-${t.kind}`} data-testid="toast" data-kind={t.kind}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
