#!/usr/bin/env node
// The `afk` command: `afk run`, `afk resume`, `afk eval`, `afk devtools`, `afk help`, `afk --version`. See docs/cli.md.
import { readFileSync } from 'node:fs';
import { isAfkError } from '../errors/index.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import type { CliIO } from './session.js';
import { DEVTOOLS_USAGE, EVAL_USAGE, MAIN_USAGE, RESUME_USAGE, RUN_USAGE } from './usage.js';

function version(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'afk' && pkg.version) return pkg.version;
    } catch {
      // next candidate
    }
  }
  return 'unknown';
}

/** Maps what went wrong to `afk: <message>` and an exit code; user mistakes never read "internal". */
function report(e: unknown, io: CliIO): ExitCode {
  if (e instanceof CliError) {
    io.stderr.write(`afk: ${e.message}\n`);
    return e.exitCode;
  }
  const problem = (e as { problem?: string }).problem;
  if (isAfkError(e) && problem !== undefined) {
    io.stderr.write(`afk: ${e.message}\n`);
    if (problem === 'no_such_file') return EXIT.noSuchFile;
    if (problem === 'no_export') return EXIT.noExport;
    return e.code === 'unsupported' ? EXIT.unsupported : EXIT.moduleError;
  }
  if (isAfkError(e) && e.code === 'unsupported') {
    io.stderr.write(`afk: ${e.message}\n`);
    return EXIT.unsupported;
  }
  if (isAfkError(e) && (e.code === 'not_found' || e.code === 'approval_stale' || e.code === 'run_leased')) {
    io.stderr.write(`afk: ${e.code}: ${e.message}\n`);
    return e.code === 'not_found' ? EXIT.runNotFound : EXIT.runFailed;
  }
  const detail = e instanceof Error ? (io.env.AFK_DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
  io.stderr.write(
    `afk: internal error (a bug in afk; please report it): ${isAfkError(e) ? `${e.code}: ` : ''}${detail}\n`,
  );
  return EXIT.internal;
}

export async function main(argv: string[], io: CliIO): Promise<ExitCode> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'run':
        // Loaded on use: `afk --help` stays instant.
        return await (await import('./run-command.js')).runCommand(rest, io);
      case 'resume':
        return await (await import('./resume-command.js')).resumeCommandMain(rest, io);
      case 'devtools':
        return await (await import('./devtools-command.js')).devtoolsCommand(rest, io, version());
      case 'eval':
        return await (await import('./eval-command.js')).evalCommand(rest, io);
      case 'help':
      case undefined:
      case '-h':
      case '--help': {
        const topic = command === 'help' ? rest[0] : undefined;
        io.stdout.write(
          topic === 'run'
            ? RUN_USAGE
            : topic === 'resume'
              ? RESUME_USAGE
              : topic === 'devtools'
                ? DEVTOOLS_USAGE
                : topic === 'eval'
                  ? EVAL_USAGE
                  : MAIN_USAGE,
        );
        if (command === undefined) return EXIT.usage;
        return EXIT.ok;
      }
      case '-v':
      case '--version':
        io.stdout.write(`afk ${version()}\n`);
        return EXIT.ok;
      default:
        throw new CliError(
          EXIT.usage,
          `unknown ${command.startsWith('-') ? 'flag' : 'command'} '${command}' (commands: run, resume, eval, devtools, help; see \`afk --help\`)`,
        );
    }
  } catch (e) {
    return report(e, io);
  }
}

const io: CliIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
process.exitCode = await main(process.argv.slice(2), io);
