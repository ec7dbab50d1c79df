#!/usr/bin/env node
import { Runner } from '../core/runner.js';
// `afk run <module> "<message>" [--export name] [--thread id] [--json]`: runSync from a shell.
import { isAfkError } from '../errors/index.js';

const USAGE = `usage: afk run <module> "<message>" [--export <name>] [--thread <id>] [--json]

Runs the Agent exported by <module> (default export name: agent) to completion and prints its
final text (or the whole result with --json). Exit code 0 when the run completed, 1 otherwise.`;

function main(argv: string[]): number {
  const [command, module, message, ...rest] = argv;
  if (command !== 'run' || !module) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const flag = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  try {
    const exportName = flag('export');
    const threadId = flag('thread');
    const result = new Runner().runSync(
      { module, ...(exportName ? { export: exportName } : {}) },
      { userMessage: message ?? '', ...(threadId ? { threadId } : {}) },
    );
    if (rest.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write(`${result.finalText}\n`);
      if (result.state !== 'completed')
        process.stderr.write(
          `run ${result.runId} ended ${result.state}${result.error ? `: ${result.error.code}: ${result.error.message}` : ''}\n`,
        );
    }
    return result.state === 'completed' ? 0 : 1;
  } catch (e) {
    process.stderr.write(`afk: ${isAfkError(e) ? `${e.code}: ${e.message}` : String(e)}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
