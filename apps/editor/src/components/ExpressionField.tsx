/**
 * A band-math expression validated as you type with the runner's own parser (checkExpression). With `names`
 * (the bands loaded upstream) unknown names are errors too; without, the expression is only parsed.
 */
import { useMemo } from 'react';
import { checkExpression } from '@sentiflow/nodes/kernels/expression.ts';
import { formatExpressionError } from '../model/expressions.ts';

export function expressionError(text: string, names?: readonly string[]): string | null {
  if (!text.trim()) return 'empty expression';
  const err = checkExpression(text, names);
  return err ? formatExpressionError(err) : null;
}

export function ExpressionField(props: { value: string; onChange(v: string): void; testId: string; placeholder?: string; names?: readonly string[] }) {
  const { value, names } = props;
  const error = useMemo(() => expressionError(value, names), [value, names]);
  return (
    <div className="sf-expression">
      <input
        className={`sf-mono ${error ? 'has-error' : 'is-valid'}`}
        data-testid={props.testId}
        aria-invalid={error ? true : undefined}
        value={value}
        placeholder={props.placeholder ?? '(B8 - B4) / (B8 + B4)'}
        spellCheck={false}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <div className={error ? 'sf-field-error' : 'sf-field-ok'} data-testid={`${props.testId}-status`} data-valid={error ? 'false' : 'true'}>
        {error ?? (names ? `✓ valid (bands: ${names.join(' ')})` : '✓ valid expression')}
      </div>
    </div>
  );
}
