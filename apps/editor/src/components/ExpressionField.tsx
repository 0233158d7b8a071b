/** A band-math expression validated as you type with the runner's own parser. */
import { useMemo } from 'react';
import { parseExpression } from '@sentiflow/nodes/kernels/expression.ts';

export function expressionError(text: string): string | null {
  if (!text.trim()) return 'empty expression';
  try {
    parseExpression(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function ExpressionField(props: { value: string; onChange(v: string): void; testId: string; placeholder?: string }) {
  const error = useMemo(() => expressionError(props.value), [props.value]);
  return (
    <div className="sf-expression">
      <input
        className={`sf-mono ${error ? 'has-error' : 'is-valid'}`}
        data-testid={props.testId}
        value={props.value}
        placeholder={props.placeholder ?? '(B8 - B4) / (B8 + B4)'}
        spellCheck={false}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <div className={error ? 'sf-field-error' : 'sf-field-ok'} data-testid={`${props.testId}-status`}>
        {error ?? '✓ valid expression'}
      </div>
    </div>
  );
}
