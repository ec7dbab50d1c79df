// `afk run <module> [message]`.
import { resolve } from 'node:path';
import type { JSONValue } from '../internal/json.js';
import type { MemoryStore } from '../memory/types.js';
import { parseCommand, parseContext, RUN_OPTIONS, type RunFlags } from './args.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { type CliIO, loadAgent, resumeCommand, Session } from './session.js';
import { openStore, recordOrigin } from './store.js';
import { RUN_USAGE } from './usage.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const chunk of stream) s += String(chunk);
  return s;
}

export async function runCommand(args: string[], io: CliIO): Promise<ExitCode> {
  const { values, positionals } = parseCommand<RunFlags>('run', args, RUN_OPTIONS);
  if (values.help) {
    io.stdout.write(RUN_USAGE);
    return EXIT.ok;
  }
  const [modulePath, ...words] = positionals;
  if (!modulePath)
    throw new CliError(
      EXIT.usage,
      'afk run needs a module: afk run <module> "<message>" (see `afk run --help`)',
    );
  if (words.length > 1) {
    throw new CliError(
      EXIT.usage,
      `afk run takes one message; got ${words.length} words — quote it: afk run ${modulePath} "${words.join(' ')}"`,
    );
  }
  if (values.json && values.quiet) throw new CliError(EXIT.usage, '--json and --quiet exclude each other');
  if (values.interactive && words.length === 0 && io.stdin.isTTY !== true) {
    throw new CliError(
      EXIT.usage,
      'with --interactive, stdin carries the answers: give the message as an argument',
    );
  }
  let message = words[0];
  if (message === undefined) {
    if (io.stdin.isTTY === true) {
      throw new CliError(
        EXIT.usage,
        `afk run needs a message: afk run ${modulePath} "<message>" (or pipe it on stdin)`,
      );
    }
    message = (await readAll(io.stdin)).trim();
    if (!message) throw new CliError(EXIT.usage, 'afk run: the message read from stdin is empty');
  }
  const context = parseContext(values.context) as Record<string, JSONValue>;
  const exportName = values.export ?? 'agent';
  const agent = await loadAgent(modulePath, exportName);

  const session = new Session(io, values);
  let store: MemoryStore | undefined;
  try {
    if (values.store !== undefined) store = await openStore(values.store);
    const runner = session.runner(store);
    const handle = runner.runStream(agent, {
      userMessage: message,
      ...(values.thread ? { threadId: values.thread } : {}),
      context,
    });
    const storeDir = values.store;
    const result = await session.drive(
      handle,
      store !== undefined,
      storeDir === undefined
        ? undefined
        : () => recordOrigin(storeDir, handle.runId, { module: resolve(modulePath), export: exportName }),
    );
    return session.outcome(
      result,
      values.store === undefined ? undefined : resumeCommand(result.runId, values.store),
    );
  } finally {
    session.close();
    await store?.close();
  }
}
