import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError, EXIT } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'no-color': { type: 'boolean' },
  interactive: { type: 'boolean', short: 'i' },
  context: { type: 'string' },
  export: { type: 'string', short: 'e' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const RUN_OPTIONS = {
  ...COMMON,
  thread: { type: 'string', short: 't' },
  store: { type: 'string' },
} as const satisfies Options;

export const RESUME_OPTIONS = {
  ...COMMON,
  store: { type: 'string' },
  module: { type: 'string', short: 'm' },
  approve: { type: 'boolean' },
  reject: { type: 'boolean' },
  reason: { type: 'string' },
} as const satisfies Options;

export const DEVTOOLS_OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  token: { type: 'string' },
  open: { type: 'boolean' },
  app: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export interface DevtoolsFlags {
  port?: string;
  host?: string;
  token?: string;
  open?: boolean;
  app?: string;
  help?: boolean;
}

interface CommonFlags {
  json?: boolean;
  quiet?: boolean;
  'no-color'?: boolean;
  interactive?: boolean;
  context?: string;
  export?: string;
  help?: boolean;
}
export interface RunFlags extends CommonFlags {
  thread?: string;
  store?: string;
}
export interface ResumeFlags extends CommonFlags {
  store?: string;
  module?: string;
  approve?: boolean;
  reject?: boolean;
  reason?: string;
}

/** Flags anywhere, unknown flags refused: `util.parseArgs` in strict mode. */
export function parseCommand<F>(
  command: string,
  args: string[],
  options: Options,
): { values: F; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: parsed.values as F, positionals: parsed.positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new CliError(
      EXIT.usage,
      `${msg.replace(/\. To specify a positional argument.*$/s, '')}\n(see \`afk ${command} --help\`)`,
    );
  }
}

/** Parses `--context` as a JSON object. */
export function parseContext(raw: string | undefined): Record<string, never> | Record<string, unknown> {
  if (raw === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new CliError(EXIT.usage, `--context is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new CliError(EXIT.usage, '--context must be a JSON object, e.g. \'{"userId":"u1"}\'');
  }
  return v as Record<string, unknown>;
}
