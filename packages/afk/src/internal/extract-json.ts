/**
 * Finds the JSON value in a model's answer: the whole text when it parses, else the first fenced
 * block (```json … ``` or a bare ``` … ```) that parses, else the first balanced `{…}` object in
 * the text that parses (prose before or after is ignored). Returns `undefined` when there is none.
 * Strings inside the object are honoured (a `}` in a string does not close it).
 *
 * @example
 * extractJson('Here you go:\n```json\n{"a":1}\n```') // { found: true, value: { a: 1 } }
 */
export function extractJson(text: string): { found: true; value: unknown } | undefined {
  const trimmed = text.trim();
  const whole = tryParse(trimmed);
  if (whole) return whole;
  const fence = /```[ \t]*(?:json|JSON)?[ \t]*\r?\n?([\s\S]*?)```/g;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const inFence = tryParse(m[1]!.trim());
    if (inFence) return inFence;
  }
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(text, start);
    const obj = end === -1 ? undefined : tryParse(text.slice(start, end + 1));
    if (obj) return obj;
  }
  return undefined;
}

function tryParse(s: string): { found: true; value: unknown } | undefined {
  if (!s) return undefined;
  try {
    return { found: true, value: JSON.parse(s) };
  } catch {
    return undefined;
  }
}

/** Index of the `}` closing the object opened at `start`, or -1 when it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0) return i;
  }
  return -1;
}
