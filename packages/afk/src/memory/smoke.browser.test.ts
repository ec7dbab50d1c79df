import { expect, it } from 'vitest';

it('has IndexedDB in real Chromium', () => {
  expect(typeof indexedDB.open).toBe('function');
});
