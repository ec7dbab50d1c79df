// Loads the module that defines an agent (for `runSync`'s run thread and the `afk` command), and
// turns each way that can fail into an error a person can act on. Node only.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Agent } from '../agents/agent.js';
import { AfkError, type AfkErrorCode, AfkUnsupportedError } from '../errors/index.js';

/** Why an agent module could not be used. */
export type AgentModuleProblem = 'no_such_file' | 'syntax' | 'load_failed' | 'no_export';

/**
 * An agent module that cannot be used: missing file, syntax error (with file, line and column),
 * an error thrown while it loads, or no Agent under the export name (the message lists the
 * exports it has). `problem` says which.
 */
export class AgentModuleError extends AfkError {
  override name = 'AfkConfigError';
  readonly problem: AgentModuleProblem;
  readonly exportsFound: readonly string[];
  constructor(
    problem: AgentModuleProblem,
    code: AfkErrorCode,
    message: string,
    opts: { cause?: unknown; exportsFound?: string[] } = {},
  ) {
    super(code, message, { cause: opts.cause });
    this.problem = problem;
    this.exportsFound = opts.exportsFound ?? [];
  }
}

const TS_RE = /\.(c|m)?tsx?$/i;
let tsxRegistered = false;

/** Registers tsx (ESM and CommonJS hooks) so this thread can import TypeScript. */
async function registerTypeScript(moduleUrl: string): Promise<void> {
  if (tsxRegistered) return;
  let resolved: { esm: string; cjs: string } | undefined;
  for (const base of [moduleUrl, import.meta.url]) {
    try {
      // The ESM entry points (exports[...].import), not the CommonJS ones `require.resolve` gives.
      const pkgJson = createRequire(base).resolve('tsx/package.json');
      const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as {
        exports: Record<string, { import?: { default?: string } }>;
      };
      const entry = (sub: string) => {
        const rel = pkg.exports[sub]?.import?.default;
        if (!rel) throw new Error(`tsx has no ${sub}`);
        return fileURLToPath(new URL(rel, pathToFileURL(pkgJson)));
      };
      resolved = { esm: entry('./esm/api'), cjs: entry('./cjs/api') };
      break;
    } catch {
      // try the next base
    }
  }
  if (!resolved) {
    throw new AfkUnsupportedError(
      `${fileURLToPath(moduleUrl)} is TypeScript, which is loaded through tsx, and tsx is not installed ` +
        'here: run `npm install --save-dev tsx`, or compile the module to JavaScript (e.g. `npx tsc`) and pass the .js file.',
    );
  }
  const esm = (await import(pathToFileURL(resolved.esm).href)) as { register(): unknown };
  const cjs = (await import(pathToFileURL(resolved.cjs).href)) as { register(): unknown };
  esm.register();
  cjs.register();
  tsxRegistered = true;
}

/** `file:line:column` of a syntax error in `file` itself, from `node --check` (undefined if elsewhere). */
function syntaxLocation(file: string): string | undefined {
  try {
    execFileSync(process.execPath, ['--check', file], { stdio: 'pipe', timeout: 10_000 });
    return undefined;
  } catch (e) {
    const lines = String((e as { stderr?: unknown }).stderr ?? '').split('\n');
    const m = /^(.*):(\d+)$/.exec(lines[0] ?? '');
    if (!m) return undefined;
    const caret = (lines[2] ?? '').indexOf('^');
    return `${m[1]}:${m[2]}${caret >= 0 ? `:${caret + 1}` : ''}`;
  }
}

function describeLoadError(e: unknown, file: string): AgentModuleError {
  const err = e instanceof Error ? e : new Error(String(e));
  // tsx/esbuild: "Transform failed with 1 error:\n/path/x.ts:2:6: ERROR: Expected ..."
  const transform = /^(.+?:\d+:\d+): ERROR: (.+)$/m.exec(err.message);
  if (err.name === 'TransformError' && transform) {
    return new AgentModuleError(
      'syntax',
      'invalid_argument',
      `syntax error at ${transform[1]}: ${transform[2]}`,
      {
        cause: e,
      },
    );
  }
  if (err.name === 'SyntaxError') {
    const where = TS_RE.test(file) ? undefined : syntaxLocation(file);
    return new AgentModuleError(
      'syntax',
      'invalid_argument',
      where
        ? `syntax error at ${where}: ${err.message}`
        : `syntax error in ${file} or a module it imports: ${err.message}`,
      { cause: e },
    );
  }
  const code = (err as { code?: unknown }).code;
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return new AgentModuleError('load_failed', 'unsupported', `cannot load ${file}: ${err.message}`, {
      cause: e,
    });
  }
  return new AgentModuleError(
    'load_failed',
    'invalid_argument',
    `${file} failed to load: ${err.name}: ${err.message}${code === 'ERR_MODULE_NOT_FOUND' ? ' (install the missing package, or fix the import path)' : ''}`,
    { cause: e },
  );
}

/**
 * Imports a user's module (an agent, an eval suite): TypeScript through tsx when it is installed;
 * a missing file, a syntax error (file:line:column) and an error thrown while loading are each an
 * `AgentModuleError` saying which.
 *
 * @example
 * const mod = await importUserModule(pathToFileURL('./evals/suite.ts').href);
 */
export async function importUserModule(moduleUrl: string): Promise<Record<string, unknown>> {
  const file = moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl;
  if (moduleUrl.startsWith('file:') && !existsSync(file)) {
    throw new AgentModuleError('no_such_file', 'not_found', `no such file: ${file}`);
  }
  if (TS_RE.test(new URL(moduleUrl).pathname)) await registerTypeScript(moduleUrl);
  try {
    return (await import(moduleUrl)) as Record<string, unknown>;
  } catch (e) {
    throw describeLoadError(e, file);
  }
}

/**
 * Imports `moduleUrl` and returns its Agent export `exportName`. TypeScript modules go through
 * tsx when it is installed (the error says how to proceed when it is not).
 *
 * @example
 * const agent = await loadAgentModule(pathToFileURL('./agent.mjs').href, 'agent');
 */
export async function loadAgentModule(moduleUrl: string, exportName: string): Promise<Agent> {
  const file = moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl;
  const mod = await importUserModule(moduleUrl);
  const value = mod[exportName];
  if (!value || (value as { kind?: unknown }).kind !== 'agent') {
    const names = Object.keys(mod);
    const agents = names.filter((n) => (mod[n] as { kind?: unknown } | null)?.kind === 'agent');
    const listed = names.length
      ? `its exports: ${names.map((n) => (agents.includes(n) ? `${n} (Agent)` : n)).join(', ')}`
      : 'it has no exports';
    const hint = agents.length ? `; pass --export ${agents[0]} (or \`export: '${agents[0]}'\`)` : '';
    throw new AgentModuleError(
      'no_export',
      'invalid_argument',
      `${file} has no Agent export '${exportName}' (${listed})${hint}`,
      { exportsFound: names },
    );
  }
  return value as Agent;
}
