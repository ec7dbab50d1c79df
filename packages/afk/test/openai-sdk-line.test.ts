// Which `openai` line the provider tests run against: the workspace's 6.x devDependency (Node 20),
// or the 7.x that scripts/test-openai-7.mjs installs aside and aliases in (AFK_OPENAI_SDK_MAJOR=7).
import { readFileSync } from 'node:fs';
import { VERSION } from 'openai/version';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const major = (v: string) => Number(/(\d+)\./.exec(v)?.[1]);

describe('openai SDK line', () => {
  it('is the expected major version', () => {
    const expected = process.env.AFK_OPENAI_SDK_MAJOR ?? String(major(pkg.devDependencies.openai ?? ''));
    expect(major(VERSION)).toBe(Number(expected));
  });

  it('is an optional peer whose range covers the version under test', () => {
    expect(pkg.peerDependenciesMeta.openai?.optional).toBe(true);
    const majors = (pkg.peerDependencies.openai ?? '')
      .split('||')
      .map((r) => major(r.trim().replace(/^\^/, '')));
    expect(majors).toContain(major(VERSION));
  });
});
