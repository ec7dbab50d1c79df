import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KIND_GLYPH, STATUS_GLYPH } from './format';
import { RUN_GLYPH } from './run-format';

/**
 * Every status/kind glyph must be drawable by the fonts a stock Debian Chromium has (DejaVu): a
 * glyph no installed font covers renders as an empty box (U+23F8 "⏸" did, for "interrupted").
 */
function fontsCovering(ch: string): string {
  const cp = (ch.codePointAt(0) ?? 0).toString(16);
  return execFileSync('fc-list', [`:charset=${cp}`, 'family'], { encoding: 'utf8' }).trim();
}

let hasFontconfig = true;
try {
  execFileSync('fc-list', ['--version'], { stdio: 'ignore' });
} catch {
  hasFontconfig = false;
}

describe.runIf(hasFontconfig)('status glyphs', () => {
  const glyphs = new Set([
    ...Object.values(STATUS_GLYPH),
    ...Object.values(RUN_GLYPH),
    ...Object.values(KIND_GLYPH),
  ]);
  it.each([...glyphs])('%s has a font on this machine', (g) => {
    expect(fontsCovering(g), `no font covers ${g}`).not.toBe('');
  });
  it('paused and interrupted share the glyph every font has', () => {
    expect(STATUS_GLYPH.paused).toBe('‖');
    expect(RUN_GLYPH.interrupted).toBe('‖');
  });
});
