import { expect, it } from 'vitest';
import { Runner } from './runner.js';

it('runSync in a browser main thread throws AfkUnsupportedError pointing to await run()', () => {
  expect(() => new Runner().runSync({ module: './agent.js' })).toThrow(
    expect.objectContaining({
      name: 'AfkUnsupportedError',
      code: 'unsupported',
      message: expect.stringContaining('await runner.run'),
    }),
  );
});
