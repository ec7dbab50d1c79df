import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const afkBin = fileURLToPath(new URL('../../packages/afk/bin/afk.js', import.meta.url));
const script = fileURLToPath(new URL('../fixtures/bridge-script.mjs', import.meta.url));
const e2eDir = fileURLToPath(new URL('..', import.meta.url));

/** A child process with its output collected, and a bounded wait for a line that matches. */
export class Child {
  out = '';
  err = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.out += d;
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.err += d;
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) =>
      proc.on('exit', (code) => {
        for (const w of this.waiters.splice(0)) w();
        resolve(code);
      }),
    );
  }

  /** Resolves with the first match of `re` in stdout; rejects after `ms` or when the process ended without it. */
  async waitFor(re: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.out.match(re);
      if (m) return m;
      if (this.proc.exitCode !== null || Date.now() > deadline)
        throw new Error(`no ${re} in the output (exit ${this.proc.exitCode}):\n${this.out}\n${this.err}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) this.proc.kill('SIGTERM');
    await this.exited;
  }
}

/** `afk devtools --port 0` from the built package; resolves once it printed its URL. */
export async function startDevtools(args: string[] = []): Promise<{ child: Child; url: string }> {
  const child = new Child(
    spawn(process.execPath, [afkBin, 'devtools', '--port', '0', ...args], { cwd: e2eDir }),
  );
  const m = await child.waitFor(/afk devtools: (http:\/\/\S+?)\/(\?\S*)?\n/);
  return { child, url: m[1] as string };
}

/** The Node script that runs a scripted agent through `devtoolsBridge({ url })`. */
export function runBridgeScript(url: string, label: string): Child {
  return new Child(spawn(process.execPath, [script, url, label], { cwd: e2eDir }));
}
