import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Environment {
  date: string;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpu: string;
  cpuCount: number;
  totalMemoryGiB: number;
  gcExposed: boolean;
  gitCommit: string | null;
  packages: Record<string, string | null>;
}

/**
 * Version of an installed package, found by resolving one of its entry points and walking up to the
 * package.json that carries its name (works for packages that do not export `./package.json`).
 */
export function packageVersion(name: string, entry = name): string | null {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(entry)));
    for (;;) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === name) return pkg.version ?? null;
      } catch {
        // no package.json here; keep walking up
      }
      const parent = dirname(dir);
      if (parent === dir) return null;
      dir = parent;
    }
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export function describeEnvironment(): Environment {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    gcExposed: typeof globalThis.gc === 'function',
    gitCommit: gitCommit(),
    packages: {
      afk: packageVersion('afk', 'afk/llms'),
      '@openai/agents': packageVersion('@openai/agents'),
      '@openai/agents-core': packageVersion('@openai/agents-core'),
      ai: packageVersion('ai'),
      zod: packageVersion('zod'),
      esbuild: packageVersion('esbuild'),
    },
  };
}
