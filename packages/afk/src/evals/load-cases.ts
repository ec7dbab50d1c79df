import { z } from 'zod';
import { AfkConfigError, type AfkIssue, formatIssues, fromZodIssues } from '../errors/index.js';
import { type EvalCase, EvalCaseSchema } from './models/case.js';

type Fs = typeof import('node:fs/promises');
// A variable specifier keeps browser bundlers from trying to resolve node:fs.
const FS_MODULE = 'node:fs/promises';
const loadFs = async (): Promise<Fs> => (await import(/* @vite-ignore */ FS_MODULE)) as Fs;

/** Options of `parseCases`. */
export interface ParseCasesOptions {
  /** Default: YAML when `source` ends in .yaml/.yml, else JSON. */
  format?: 'json' | 'yaml';
  /** Names the input in error messages (a file path). */
  source?: string;
}

const FileSchema = z.union([z.array(z.unknown()), z.object({ cases: z.array(z.unknown()) }).loose()], {
  error: 'expected an array of cases, or an object with a "cases" array',
});

function fail(source: string, issues: AfkIssue[]): never {
  throw new AfkConfigError(
    'invalid_config',
    `${source}: ${issues.length} problem${issues.length > 1 ? 's' : ''} in the eval cases:\n${formatIssues(issues)}`,
    { issues },
  );
}

async function parseText(text: string, format: 'json' | 'yaml', source: string): Promise<unknown> {
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      fail(source, [{ path: [], message: `not valid JSON: ${(e as Error).message}`, code: 'syntax' }]);
    }
  }
  const yaml = await import('yaml');
  const doc = yaml.parseDocument(text);
  if (doc.errors.length) {
    fail(
      source,
      doc.errors.map((e) => ({
        path: [],
        message: `YAML ${e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : ''}${e.message.split('\n')[0]}`,
        code: 'syntax',
      })),
    );
  }
  return doc.toJS();
}

/**
 * Parses eval cases from JSON or YAML text (anywhere, browsers included): an array of cases, or
 * `{ cases: [...] }`. Every problem is listed at once in one `AfkConfigError` (`issues` with the
 * path of each: syntax errors, every invalid field of every case, duplicate ids).
 *
 * @example
 * const cases = await parseCases(await (await fetch('/evals/cases.yaml')).text(), { format: 'yaml' });
 */
export async function parseCases(text: string, opts: ParseCasesOptions = {}): Promise<EvalCase[]> {
  const source = opts.source ?? 'cases';
  const format = opts.format ?? (/\.ya?ml$/i.test(source) ? 'yaml' : 'json');
  return validateCases(await parseText(text, format, source), source);
}

/** Validates already-parsed cases (every issue of every case listed at once). */
export function validateCases(data: unknown, source = 'cases'): EvalCase[] {
  const top = FileSchema.safeParse(data);
  if (!top.success) fail(source, fromZodIssues(top.error.issues));
  const list = Array.isArray(top.data) ? top.data : top.data.cases;
  const prefix: Array<string | number> = Array.isArray(top.data) ? [] : ['cases'];
  const issues: AfkIssue[] = [];
  const out: EvalCase[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of list.entries()) {
    const r = EvalCaseSchema.safeParse(raw);
    if (!r.success) {
      for (const issue of fromZodIssues(r.error.issues))
        issues.push({ ...issue, path: [...prefix, i, ...issue.path] });
    }
    // Duplicates are found among invalid cases too: every issue at once.
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && id !== '') {
      const first = seen.get(id);
      if (first !== undefined) {
        issues.push({
          path: [...prefix, i, 'id'],
          message: `duplicate case id '${id}' (also case ${first})`,
        });
      } else seen.set(id, i);
    }
    if (r.success) out.push(r.data as EvalCase);
  }
  if (issues.length) fail(source, issues);
  return out;
}

/**
 * Node only: reads eval cases from a `.json`, `.yaml` or `.yml` file (see `parseCases`).
 *
 * @example
 * const cases = await loadCases('evals/cases.yaml');
 * const report = await runSuite({ cases, agent });
 */
export async function loadCases(file: string): Promise<EvalCase[]> {
  const fs = await loadFs();
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new AfkConfigError(
      'invalid_config',
      `cannot read cases file ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      {
        cause: e,
        issues: [{ path: [], message: code === 'ENOENT' ? 'no such file' : String((e as Error).message) }],
      },
    );
  }
  return parseCases(text, { source: file });
}
