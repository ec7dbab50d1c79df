// Approvals asked on the terminal: [a]pprove / [r]eject / [e]dit, one line per answer, from a TTY
// or (with --interactive) from piped stdin.
import { createInterface, type Interface } from 'node:readline';
import type { InteractionProvider } from '../core/interaction.js';
import type { ApprovalDecision, ApprovalRequest } from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import { preview } from './format.js';
import type { Style } from './style.js';

/** Lines of an input stream, buffered so none is lost between two questions. */
export class LineReader {
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;

  /** `echo`: write each answer back (piped input is not echoed by a terminal). */
  constructor(
    input: NodeJS.ReadableStream,
    terminal: boolean,
    private readonly echo?: { write(s: string): unknown },
  ) {
    this.rl = createInterface({ input, terminal, crlfDelay: Number.POSITIVE_INFINITY });
    this.rl.on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(l);
      } else this.lines.push(l);
    });
    this.rl.on('close', () => {
      this.ended = true;
      this.waiting?.(undefined);
      this.waiting = undefined;
    });
  }

  /** The next line, or undefined at the end of input. */
  next(): Promise<string | undefined> {
    const got = this.take();
    if (!this.echo) return got;
    return got.then((l) => {
      if (l !== undefined) this.echo?.write(`${l}\n`);
      return l;
    });
  }

  private take(): Promise<string | undefined> {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((r) => {
      this.waiting = r;
    });
  }

  close(): void {
    this.rl.close();
  }
}

/** Asks one approval until the answer is usable; undefined at the end of input. */
export async function askApproval(
  req: ApprovalRequest,
  reader: LineReader,
  out: { write(s: string): unknown },
  style: Style,
): Promise<ApprovalDecision | undefined> {
  const allowed = req.allowedDecisions;
  const choices = [
    allowed.includes('approve') ? '[a]pprove' : '',
    allowed.includes('reject') ? '[r]eject' : '',
    allowed.includes('edit') ? '[e]dit' : '',
    allowed.includes('respond') ? '[t]ype a response' : '',
  ].filter(Boolean);
  out.write(
    `${style.yellow('?')} ${style.bold(req.toolName)} ${preview(req.args, 400)}${req.reason ? style.dim(` — ${req.reason}`) : ''}\n`,
  );
  for (;;) {
    out.write(`  ${choices.join(' / ')}? `);
    const answer = await reader.next();
    if (answer === undefined) {
      out.write('\n');
      return undefined;
    }
    const a = answer.trim().toLowerCase();
    if ((a === 'a' || a === 'approve' || a === 'y' || a === 'yes') && allowed.includes('approve'))
      return { kind: 'approve' };
    if ((a === 'r' || a === 'reject' || a === 'n' || a === 'no') && allowed.includes('reject')) {
      out.write('  reason (optional): ');
      const reason = (await reader.next())?.trim();
      return reason ? { kind: 'reject', reason } : { kind: 'reject' };
    }
    if ((a === 'e' || a === 'edit') && allowed.includes('edit')) {
      out.write(`  new arguments as JSON (now ${preview(req.args, 400)}): `);
      const raw = await reader.next();
      if (raw === undefined) return undefined;
      try {
        return { kind: 'edit', args: JSON.parse(raw) as JSONValue };
      } catch (e) {
        out.write(`  ${style.red('not JSON')}: ${e instanceof Error ? e.message : String(e)}\n`);
        continue;
      }
    }
    if ((a === 't' || a === 'respond') && allowed.includes('respond')) {
      out.write('  response: ');
      const raw = await reader.next();
      if (raw === undefined) return undefined;
      return { kind: 'respond', value: raw };
    }
    out.write(`  ${style.dim(`answer one of: ${choices.join(', ')}`)}\n`);
  }
}

/**
 * The CLI's `InteractionProvider`: asks each approval on the terminal. At the end of input the
 * approval is rejected ("no answer"), never approved.
 */
export function terminalInteraction(
  reader: LineReader,
  out: { write(s: string): unknown },
  style: Style,
  before: () => void,
): InteractionProvider {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    decide(req) {
      // One question at a time, even when parallel tool calls ask together.
      const next = queue.then(async () => {
        before();
        return (
          (await askApproval(req, reader, out, style)) ?? {
            kind: 'reject',
            reason: 'no answer (end of input)',
          }
        );
      });
      queue = next.catch(() => undefined);
      return next as Promise<ApprovalDecision>;
    },
  };
}
