import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (tsx resolves from there). */
const root = join(here, '..', '..', '..', '..', '..', '..');
const script = join(here, 'runner-process.ts');

export interface Child {
  proc: ChildProcess;
  /** Resolves with the child's JSON line once it exits 0; rejects (with stderr) otherwise. */
  result: Promise<Record<string, unknown>>;
}

/** Starts `runner-process.ts <mode> …` under tsx, killed after `timeoutMs` (default 100 s). */
export function startChild(
  mode: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 100_000,
): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, mode, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`child ${mode} exited ${code ?? signal}:\n${stderr.slice(-3_000)}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>);
      } catch {
        reject(new Error(`child ${mode} printed no result:\n${stdout}\n${stderr.slice(-3_000)}`));
      }
    });
  });
  result.catch(() => undefined);
  return { proc, result };
}

/** Resolves once `file` exists (fs.watch on its directory, plus a check for an early one). */
export function whenFileExists(file: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const w = watch(dirname(file), () => {
      if (existsSync(file)) finish();
    });
    const timer = setTimeout(() => finish(new Error(`${file} did not appear in ${timeoutMs} ms`)), timeoutMs);
    function finish(err?: Error) {
      clearTimeout(timer);
      w.close();
      if (err) reject(err);
      else resolve();
    }
    if (existsSync(file)) finish();
  });
}
