import { type ReactNode, useState } from 'react';

type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

export interface JsonViewProps {
  value: unknown;
  /** Objects and arrays deeper than this start collapsed. Default 2. */
  openDepth?: number;
  /** Strings longer than this are cut, with "show more". Default 400. */
  maxString?: number;
  /** Arrays and objects with more entries than this show the first ones, with "show more". Default 50. */
  maxEntries?: number;
  /** A string holding JSON (a tool result, say) is shown as the value it encodes. Default true. */
  parseJsonText?: boolean;
  'data-testid'?: string;
  label?: string;
}

/**
 * A compact collapsible JSON viewer: objects and arrays fold (▸/▾, with their size), long
 * strings and long lists are cut with "show more", primitives are coloured by type. Renders only
 * what is open, so a large payload costs what is shown.
 *
 * @example
 * <JsonView value={span.attributes['afk.tool.args']} />
 */
export function JsonView({
  value,
  openDepth = 2,
  maxString = 400,
  maxEntries = 50,
  parseJsonText = true,
  label,
  ...rest
}: JsonViewProps) {
  const parsed = parseJsonText ? fromJsonText(value) : undefined;
  const shown = (parsed ?? value) as JSONValue;
  return (
    <div className="afk-jsonview" data-testid={rest['data-testid']} title={label}>
      {parsed !== undefined && <span className="afk-json-note">JSON text</span>}
      <JsonNode value={shown} depth={0} opts={{ openDepth, maxString, maxEntries }} />
    </div>
  );
}

interface Opts {
  openDepth: number;
  maxString: number;
  maxEntries: number;
}

function fromJsonText(v: unknown): unknown {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

function JsonNode({
  value,
  depth,
  opts,
  name,
}: {
  value: JSONValue;
  depth: number;
  opts: Opts;
  name?: ReactNode;
}) {
  const key = name === undefined ? null : <span className="afk-json-key">{name}: </span>;
  if (value === null || typeof value !== 'object')
    return (
      <div className="afk-json-line">
        {key}
        <Primitive value={value} max={opts.maxString} />
      </div>
    );
  return <JsonBranch value={value} depth={depth} opts={opts} keyNode={key} />;
}

function JsonBranch({
  value,
  depth,
  opts,
  keyNode,
}: {
  value: JSONValue[] | { [key: string]: JSONValue };
  depth: number;
  opts: Opts;
  keyNode: ReactNode;
}) {
  const isArray = Array.isArray(value);
  const entries: Array<[string, JSONValue]> = isArray
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  const [open, setOpen] = useState(depth < opts.openDepth);
  const [limit, setLimit] = useState(opts.maxEntries);
  const [l, r] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0)
    return (
      <div className="afk-json-line">
        {keyNode}
        <span className="afk-json-punct">
          {l}
          {r}
        </span>
      </div>
    );
  const size = `${entries.length} ${isArray ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}`;
  return (
    <div className="afk-json-branch">
      <div className="afk-json-line">
        <button
          type="button"
          className="afk-json-toggle"
          aria-expanded={open}
          aria-label={open ? 'Collapse' : 'Expand'}
          onClick={() => setOpen(!open)}
        >
          {open ? '▾' : '▸'}
        </button>
        {keyNode}
        <span className="afk-json-punct">{l}</span>
        {!open && (
          <button type="button" className="afk-json-summary" onClick={() => setOpen(true)}>
            {preview(value)} <span className="afk-muted">{size}</span> {r}
          </button>
        )}
      </div>
      {open && (
        <div className="afk-json-children">
          {entries.slice(0, limit).map(([k, v]) => (
            <JsonNode key={k} name={isArray ? undefined : k} value={v} depth={depth + 1} opts={opts} />
          ))}
          {entries.length > limit && (
            <button type="button" className="afk-json-more" onClick={() => setLimit(limit * 4)}>
              show more ({entries.length - limit} of {size} hidden)
            </button>
          )}
        </div>
      )}
      {open && <div className="afk-json-line afk-json-punct">{r}</div>}
    </div>
  );
}

function Primitive({ value, max }: { value: string | number | boolean | null; max: number }) {
  const [full, setFull] = useState(false);
  if (typeof value !== 'string')
    return <span className={`afk-json-${value === null ? 'null' : typeof value}`}>{String(value)}</span>;
  const cut = !full && value.length > max;
  return (
    <span className="afk-json-string">
      "{cut ? value.slice(0, max) : value}
      {cut ? '…' : ''}"
      {value.length > max && (
        <button type="button" className="afk-json-more" onClick={() => setFull(!full)}>
          {full ? 'show less' : `show more (${(value.length - max).toLocaleString('en-US')} chars)`}
        </button>
      )}
    </span>
  );
}

/** A one-line preview of a collapsed object or array: its first primitive members. */
function preview(value: JSONValue[] | { [key: string]: JSONValue }): string {
  const parts: string[] = [];
  let len = 0;
  // Naming keys first: `{ type: "llm_completed", seq: 5, … }` says more than its run id.
  const first = ['type', 'seq', 'name', 'role', 'id'];
  const entries = Array.isArray(value)
    ? value.map((v) => [undefined, v] as const)
    : Object.entries(value).sort(([a], [b]) => rank(first, a) - rank(first, b));
  for (const [k, v] of entries) {
    const shown =
      v === null || typeof v !== 'object'
        ? typeof v === 'string'
          ? JSON.stringify(v.length > 24 ? `${v.slice(0, 24)}…` : v)
          : String(v)
        : Array.isArray(v)
          ? '[…]'
          : '{…}';
    const part = k === undefined ? shown : `${k}: ${shown}`;
    len += part.length + 2;
    if (len > 72 && parts.length) {
      parts.push('…');
      break;
    }
    parts.push(part);
  }
  return parts.join(', ');
}

function rank(first: string[], k: string): number {
  const i = first.indexOf(k);
  return i < 0 ? first.length : i;
}
