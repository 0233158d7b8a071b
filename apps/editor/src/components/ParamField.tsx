/** One parameter control, chosen by model/schema.ts from the node's JSON Schema and its declared presentation. */
import { useEffect, useState } from 'react';
import { checkValue, fieldsOf, type Field } from '../model/schema.ts';
import { identifierError, type FieldContext } from '../model/expressions.ts';
import { ExpressionField } from './ExpressionField.tsx';
import { FilePicker } from './FilePicker.tsx';
import { AoiField } from './AoiField.tsx';

interface Props {
  field: Field;
  value: unknown;
  problem?: string;
  onChange(value: unknown): void;
  testPrefix?: string;
  /** Node-specific checks (expression names, identifier fields), passed down into lists and objects. */
  context?: FieldContext;
}

function NumberInput({ field, value, onChange, testId }: { field: Field; value: unknown; onChange(v: unknown): void; testId: string }) {
  const shown = value ?? field.defaultValue;
  const [text, setText] = useState(shown === undefined ? '' : String(shown));
  useEffect(() => setText(shown === undefined ? '' : String(shown)), [shown]);
  // A slider only for human-sized ranges (zod's .int() alone gives ±2^53).
  const hasRange = field.min !== undefined && field.max !== undefined && field.max - field.min <= 1e5;
  const step = field.kind === 'integer' ? 1 : hasRange ? Math.max((field.max! - field.min!) / 100, 1e-6) : 'any';
  return (
    <div className="sf-number">
      {hasRange && (
        <input
          type="range"
          min={field.min}
          max={field.max}
          step={step}
          value={typeof shown === 'number' ? shown : field.min}
          onChange={(e) => onChange(Number(e.target.value))}
          data-testid={`${testId}-range`}
        />
      )}
      <input
        type="number"
        data-testid={testId}
        value={text}
        min={field.min}
        max={field.max}
        step={step}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === '') onChange(undefined);
          else if (Number.isFinite(Number(e.target.value))) onChange(Number(e.target.value));
        }}
      />
      {field.unit && <span className="sf-unit">{field.unit}</span>}
    </div>
  );
}

function JsonInput({ value, onChange, testId }: { value: unknown; onChange(v: unknown): void; testId: string }) {
  const [text, setText] = useState(JSON.stringify(value ?? null));
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <textarea
        className="sf-mono"
        data-testid={testId}
        rows={3}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setError(null);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && <div className="sf-field-error">{error}</div>}
    </>
  );
}

function ListInput({ field, value, onChange, testId, context }: { field: Field; value: unknown; onChange(v: unknown): void; testId: string; context?: FieldContext }) {
  const items = Array.isArray(value) ? (value as Record<string, unknown>[]) : Array.isArray(field.defaultValue) ? (field.defaultValue as Record<string, unknown>[]) : [];
  const itemFields = fieldsOf(field.schema.items ?? {});
  return (
    <div className="sf-list" data-testid={testId}>
      {items.map((item, i) => (
        <div className="sf-list-item" key={i}>
          {itemFields.map((f) => (
            <ParamField
              key={f.name}
              field={f}
              value={item[f.name]}
              testPrefix={`${testId}-${i}`}
              context={context}
              onChange={(v) => onChange(items.map((it, j) => (j === i ? { ...it, [f.name]: v } : it)))}
            />
          ))}
          <button className="sf-small danger" data-testid={`${testId}-${i}-remove`} onClick={() => onChange(items.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button className="sf-small" data-testid={`${testId}-add`} onClick={() => onChange([...items, Object.fromEntries(itemFields.map((f) => [f.name, f.defaultValue ?? '']))])}>
        + Add
      </button>
    </div>
  );
}

function PathInput({ value, onChange, testId }: { value: unknown; onChange(v: unknown): void; testId: string }) {
  const [open, setOpen] = useState(false);
  const text = typeof value === 'string' ? value : '';
  return (
    <div className="sf-path">
      <input className="sf-mono" data-testid={testId} value={text} placeholder="relative to the data root" onChange={(e) => onChange(e.target.value)} />
      <button className="sf-small" data-testid={`${testId}-browse`} onClick={() => setOpen(true)}>
        Browse…
      </button>
      {open && (
        <FilePicker
          initial={text}
          onClose={() => setOpen(false)}
          onPick={(p) => {
            onChange(p);
            setOpen(false);
          }}
        />
      )}
    </div>
  );
}

export function ParamField({ field, value, problem, onChange, testPrefix = 'param', context }: Props) {
  const testId = `${testPrefix}-${field.name}`;
  const isIdentifier = field.kind === 'text' && field.widget === 'identifier';
  const names = field.names === 'upstream' ? context?.expressionNames : undefined;
  const local = isIdentifier ? identifierError(typeof value === 'string' ? value : '', names) : checkValue(field, value);
  const shown = value ?? field.defaultValue;
  let control: React.ReactNode;
  switch (field.kind) {
    case 'number':
    case 'integer':
      control = <NumberInput field={field} value={value} onChange={onChange} testId={testId} />;
      break;
    case 'boolean':
      control = <input type="checkbox" data-testid={testId} checked={Boolean(shown)} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case 'select':
      control = (
        <select data-testid={testId} value={shown === undefined ? '' : String(shown)} onChange={(e) => onChange(field.options!.find((o) => String(o) === e.target.value))}>
          {shown === undefined && <option value="">—</option>}
          {field.options!.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'multiselect': {
      const selected = Array.isArray(shown) ? shown : [];
      control = (
        <div className="sf-chips" data-testid={testId}>
          {field.options!.map((o) => {
            const on = selected.includes(o);
            return (
              <button
                key={String(o)}
                className={`sf-chip ${on ? 'on' : ''}`}
                data-testid={`${testId}-${String(o)}`}
                aria-pressed={on}
                onClick={() => onChange(on ? selected.filter((x) => x !== o) : field.options!.filter((x) => selected.includes(x) || x === o))}
              >
                {String(o)}
              </button>
            );
          })}
        </div>
      );
      break;
    }
    case 'expression':
      control = <ExpressionField value={typeof shown === 'string' ? shown : ''} onChange={onChange} testId={testId} names={names} />;
      break;
    case 'path':
      control = <PathInput value={shown} onChange={onChange} testId={testId} />;
      break;
    case 'list':
      control = <ListInput field={field} value={value} onChange={onChange} testId={testId} context={context} />;
      break;
    case 'object': {
      const obj = (shown ?? {}) as Record<string, unknown>;
      control = (
        <div className="sf-object">
          {fieldsOf(field.schema).map((f) => (
            <ParamField key={f.name} field={f} value={obj[f.name]} testPrefix={testId} context={context} onChange={(v) => onChange({ ...obj, [f.name]: v })} />
          ))}
        </div>
      );
      break;
    }
    case 'text':
      control = <input data-testid={testId} value={typeof shown === 'string' ? shown : shown === undefined ? '' : String(shown)} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'aoi':
      control = <AoiField value={shown} onChange={onChange} testId={testId} nodeParams={context?.nodeParams} />;
      break;
    default:
      control = <JsonInput value={shown} onChange={onChange} testId={testId} />;
  }
  return (
    <div className={`sf-field ${problem || local ? 'invalid' : ''}`} data-field={field.name}>
      <label title={field.description}>
        {field.label}
        {field.required && field.defaultValue === undefined && <span className="sf-required">*</span>}
        {field.min !== undefined && field.max !== undefined && field.max < 1e9 && (
          <span className="sf-range-hint">
            {field.min}–{field.max}
            {field.unit ? ` ${field.unit}` : ''}
          </span>
        )}
      </label>
      {control}
      {field.description && <div className="sf-help">{field.description}</div>}
      {(problem || local) && (
        <div className="sf-field-error" data-testid={`${testId}-error`}>
          {problem ?? local}
        </div>
      )}
    </div>
  );
}
