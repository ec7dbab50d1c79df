import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export const EVAL_OPTIONS = {
  agent: { type: 'string', short: 'a' },
  concurrency: { type: 'string', short: 'c' },
  reporter: { type: 'string', short: 'r' },
  out: { type: 'string', short: 'o' },
  baseline: { type: 'string', short: 'b' },
  'fail-on-regression': { type: 'boolean' },
  'fail-fast': { type: 'boolean' },
  repeat: { type: 'string', short: 'n' },
  'min-pass-rate': { type: 'string' },
  'judge-cache': { type: 'string' },
  devtools: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export interface EvalFlags {
  agent?: string;
  concurrency?: string;
  reporter?: string;
  out?: string;
  baseline?: string;
  'fail-on-regression'?: boolean;
  'fail-fast'?: boolean;
  repeat?: string;
  'min-pass-rate'?: string;
  'judge-cache'?: string;
  devtools?: string;
  json?: boolean;
  quiet?: boolean;
  'no-color'?: boolean;
  help?: boolean;
}
