import { describe, expect, it } from 'vitest';
import { AfkConfigError } from '../errors/index.js';
import { Runner } from './runner.js';

function configError(f: () => unknown): AfkConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AfkConfigError);
    return e as AfkConfigError;
  }
  throw new Error('expected an AfkConfigError');
}

describe('Runner construction', () => {
  it("refuses interactionMode 'interactive' without an InteractionProvider, with every other issue at once", () => {
    const e = configError(
      () =>
        new Runner({
          config: { interactionMode: 'interactive', toolOutputMaxChars: -1 },
          // biome-ignore lint/suspicious/noExplicitAny: an unknown option, as plain JavaScript would pass it
          ...({ bogus: true } as any),
        }),
    );
    expect(e.code).toBe('invalid_config');
    const paths = e.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['interaction', 'config.toolOutputMaxChars']));
    expect(paths.length).toBeGreaterThanOrEqual(3);
    expect(e.message).toContain("interactionMode 'interactive' needs an InteractionProvider");
    expect(e.issues.find((i) => i.path[0] === 'interaction')?.code).toBe('missing_interaction_provider');
  });

  it("accepts 'interactive' with an InteractionProvider, and the other modes without one", () => {
    const interaction = { decide: async () => ({ kind: 'approve' as const }) };
    expect(
      new Runner({ interaction, config: { interactionMode: 'interactive' } }).config.interactionMode,
    ).toBe('interactive');
    expect(new Runner({ config: { interactionMode: 'external' } }).config.interactionMode).toBe('external');
    expect(new Runner().config.interactionMode).toBe('headless');
  });

  it('reports null options as a config error, not a TypeError', () => {
    // biome-ignore lint/suspicious/noExplicitAny: ill-typed input
    expect(configError(() => new Runner(null as any)).code).toBe('invalid_config');
  });
});
