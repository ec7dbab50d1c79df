import type { ApprovalRequest } from 'afk/core';

/** A JSON value (as approvals carry their args). */
export type JSONValue = ApprovalRequest['args'];

/**
 * The form the inbox builds from a tool's JSON Schema: one field per top-level property.
 * Strings, numbers, integers, booleans and enums get their own inputs; anything else (nested
 * objects, arrays, unions) is edited as JSON in place. A schema that is not an object of
 * properties gets no fields (the whole args are edited as JSON).
 */
export type FieldKind = 'text' | 'multiline' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface FormField {
  name: string;
  kind: FieldKind;
  label: string;
  required: boolean;
  description?: string;
  options?: string[];
  /** e.g. `email`, from the schema's `format`. */
  format?: string;
}

type SchemaNode = { [key: string]: JSONValue };

function isNode(v: JSONValue | undefined): v is SchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(node: SchemaNode, name: string, current: JSONValue | undefined): FieldKind {
  const en = node.enum;
  if (Array.isArray(en) && en.length > 0 && en.every((v) => typeof v === 'string')) return 'enum';
  switch (node.type) {
    case 'string': {
      const long =
        (typeof current === 'string' && (current.length > 60 || current.includes('\n'))) ||
        /^(body|text|content|message|description|notes?)$/i.test(name);
      return long ? 'multiline' : 'text';
    }
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

/** The form fields for `schema`, or `undefined` when it is not an object of properties. */
export function formFields(
  schema: { [key: string]: JSONValue } | undefined,
  args: JSONValue,
): FormField[] | undefined {
  if (!schema || !isNode(schema.properties)) return undefined;
  const current = isNode(args) ? args : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(schema.properties).flatMap(([name, node]) => {
    if (!isNode(node)) return [];
    const kind = kindOf(node, name, current[name]);
    const field: FormField = { name, kind, label: name, required: required.has(name) };
    if (typeof node.description === 'string') field.description = node.description;
    if (typeof node.format === 'string') field.format = node.format;
    if (kind === 'enum' && Array.isArray(node.enum)) field.options = node.enum.map(String);
    return [field];
  });
}

/** The text an input shows for a value (JSON for json fields). */
export function fieldText(kind: FieldKind, value: JSONValue | undefined): string {
  if (value === undefined) return '';
  if (kind === 'json') return JSON.stringify(value, null, 2);
  if (kind === 'boolean') return value === true ? 'true' : 'false';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A field's text back to a value: `{ ok: false }` with a message when it cannot be read. */
export function parseField(
  field: FormField,
  text: string,
): { ok: true; value: JSONValue | undefined } | { ok: false; message: string } {
  switch (field.kind) {
    case 'text':
    case 'multiline':
    case 'enum':
      return { ok: true, value: text };
    case 'boolean':
      return { ok: true, value: text === 'true' };
    case 'number':
    case 'integer': {
      if (text.trim() === '') return { ok: true, value: undefined };
      const n = Number(text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: 'Not a number.' };
    }
    case 'json':
      if (text.trim() === '') return { ok: true, value: undefined };
      try {
        return { ok: true, value: JSON.parse(text) as JSONValue };
      } catch (e) {
        return { ok: false, message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
      }
  }
}

/** Deep equality of two JSON values (key order ignored). */
export function sameJSON(a: JSONValue | undefined, b: JSONValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameJSON(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const bo = b as { [k: string]: JSONValue };
  const ao = a as { [k: string]: JSONValue };
  return ka.length === kb.length && ka.every((k) => k in bo && sameJSON(ao[k], bo[k]));
}
