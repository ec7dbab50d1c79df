import type { ApprovalEditIssue } from 'afk/core';
import type { ReactElement } from 'react';
import { type FormField, fieldText, type JSONValue } from './approval-form.js';

export interface ApprovalArgsProps {
  idPrefix: string;
  /** The form's fields, or undefined: the args are edited as JSON only. */
  fields: FormField[] | undefined;
  mode: 'form' | 'json';
  onMode(mode: 'form' | 'json'): void;
  texts: Record<string, string>;
  onText(name: string, text: string): void;
  json: string;
  onJson(text: string): void;
  /** Per-field problems: the text cannot be read, or the value fails the schema. */
  fieldErrors: Record<string, string>;
  /** Problems not tied to one field (root schema issues, unreadable JSON). */
  rootErrors: string[];
  edited: ReadonlySet<string>;
  readOnly: boolean;
  firstFieldRef?: (el: HTMLElement | null) => void;
}

/** The args of an approval as a form generated from the tool's JSON Schema, or as JSON. */
export function ApprovalArgs(p: ApprovalArgsProps) {
  const showForm = p.mode === 'form' && p.fields !== undefined;
  return (
    <div className="afk-approval-args" data-testid="approval-args">
      <div className="afk-approval-args-head">
        <span className="afk-muted afk-small">Arguments</span>
        {p.fields !== undefined && (
          <button
            type="button"
            className="afk-btn afk-btn-ghost afk-approval-toggle"
            data-testid="json-toggle"
            aria-pressed={p.mode === 'json'}
            onClick={() => p.onMode(p.mode === 'json' ? 'form' : 'json')}
          >
            {p.mode === 'json' ? 'Form' : 'JSON'}
          </button>
        )}
      </div>
      {showForm ? (
        <div className="afk-approval-fields">
          {(p.fields ?? []).map((f, i) => (
            <Field
              key={f.name}
              id={`${p.idPrefix}-${f.name}`}
              field={f}
              text={p.texts[f.name] ?? ''}
              onText={(t) => p.onText(f.name, t)}
              error={p.fieldErrors[f.name]}
              edited={p.edited.has(f.name)}
              readOnly={p.readOnly}
              inputRef={i === 0 ? p.firstFieldRef : undefined}
            />
          ))}
        </div>
      ) : (
        <textarea
          className="afk-input afk-approval-json"
          data-testid="args-json"
          aria-label="Arguments as JSON"
          spellCheck={false}
          readOnly={p.readOnly}
          rows={Math.min(14, Math.max(3, p.json.split('\n').length))}
          value={p.json}
          ref={p.firstFieldRef}
          onChange={(e) => p.onJson(e.target.value)}
        />
      )}
      {p.rootErrors.map((m) => (
        <p key={m} className="afk-approval-error" role="alert" data-testid="args-error">
          {m}
        </p>
      ))}
    </div>
  );
}

function Field(props: {
  id: string;
  field: FormField;
  text: string;
  onText(text: string): void;
  error: string | undefined;
  edited: boolean;
  readOnly: boolean;
  inputRef: ((el: HTMLElement | null) => void) | undefined;
}) {
  const { id, field: f, text, onText, error, edited, readOnly, inputRef } = props;
  const common = {
    id,
    'data-testid': `arg-${f.name}`,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  };
  let input: ReactElement;
  switch (f.kind) {
    case 'boolean':
      input = (
        <input
          {...common}
          type="checkbox"
          className="afk-check"
          ref={inputRef}
          disabled={readOnly}
          checked={text === 'true'}
          onChange={(e) => onText(e.target.checked ? 'true' : 'false')}
        />
      );
      break;
    case 'enum':
      input = (
        <select
          {...common}
          ref={inputRef}
          className="afk-select"
          disabled={readOnly}
          value={text}
          onChange={(e) => onText(e.target.value)}
        >
          {!(f.options ?? []).includes(text) && <option value={text}>{text || '—'}</option>}
          {(f.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'multiline':
    case 'json':
      input = (
        <textarea
          {...common}
          ref={inputRef}
          className={f.kind === 'json' ? 'afk-input afk-mono' : 'afk-input'}
          spellCheck={f.kind !== 'json'}
          readOnly={readOnly}
          rows={Math.min(8, Math.max(2, text.split('\n').length))}
          value={text}
          onChange={(e) => onText(e.target.value)}
        />
      );
      break;
    default:
      input = (
        <input
          {...common}
          ref={inputRef}
          className="afk-input"
          type={
            f.kind === 'number' || f.kind === 'integer' ? 'number' : f.format === 'email' ? 'email' : 'text'
          }
          step={f.kind === 'integer' ? 1 : f.kind === 'number' ? 'any' : undefined}
          readOnly={readOnly}
          value={text}
          onChange={(e) => onText(e.target.value)}
        />
      );
  }
  return (
    <div className={`afk-approval-field${error ? ' afk-invalid' : ''}`} data-field={f.name}>
      <label htmlFor={id}>
        <span className="afk-mono">{f.label}</span>
        {f.required && (
          <span className="afk-muted" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      <div className="afk-approval-input">
        {input}
        {edited && (
          <span className="afk-edited" data-testid="edited-marker">
            ⚠ edited: {f.name}
          </span>
        )}
        {error && (
          <span className="afk-approval-error" id={`${id}-error`} data-testid="field-error">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}

/** Initial texts of the form's fields for `args`. */
export function textsFor(fields: FormField[] | undefined, args: JSONValue): Record<string, string> {
  const obj = typeof args === 'object' && args !== null && !Array.isArray(args) ? args : {};
  const out: Record<string, string> = {};
  for (const f of fields ?? []) out[f.name] = fieldText(f.kind, obj[f.name]);
  return out;
}

/** Issues as "message" strings, by first path segment ('' for the root). */
export function issuesByField(issues: readonly ApprovalEditIssue[]): Map<string, string> {
  const out = new Map<string, string>();
  // A format problem ("not an email") says more than the pattern that encodes it.
  const ordered = [...issues].sort(
    (a, b) => Number(/format/.test(b.message)) - Number(/format/.test(a.message)),
  );
  for (const i of ordered) {
    const k = i.path[0] ?? '';
    const format = i.message.match(/does not match format "([^"]+)"/)?.[1];
    const text = format ? `Not a valid ${format.replace(/-/g, ' ')}.` : i.message;
    const msg = i.path.length > 1 ? `${i.path.slice(1).join('.')}: ${text}` : text;
    if (!out.has(k)) out.set(k, msg); // the first problem per field is enough to fix it
  }
  return out;
}
