// Fails when a package in package-lock.json declares a Node engine range that excludes the Node
// versions AFK supports (the root's engines.node minimum, 20.19.0, and the running Node), which is
// what makes `npm ci` print EBADENGINE warnings. Handles the range forms npm packages use
// (`>=x`, `>x`, `<x`, `<=x`, `^x`, `~x`, `x`, `x.x`, spaces and `||`).
import { readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const parse = (v) => {
  const [a = 0, b = 0, c = 0] = v
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
  return [a, b, c];
};
const cmp = (x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
const comparator = (op, v, version) => {
  const want = parse(v);
  const parts = v.split('.').length;
  const c = cmp(version, want);
  switch (op) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '<':
      return c < 0;
    case '^':
      return c >= 0 && (want[0] > 0 ? version[0] === want[0] : version[1] === want[1]);
    case '~':
      return c >= 0 && version[0] === want[0] && (parts < 2 || version[1] === want[1]);
    default: // a bare (possibly partial) version: 20 or 20.19 match the whole line
      return want.slice(0, parts).every((n, i) => version[i] === n);
  }
};
export const satisfies = (version, range) =>
  range.split('||').some((alt) => {
    const tokens = alt
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return tokens.every((t) => {
      if (t === '*' || t === 'x') return true;
      const m = /^(>=|<=|>|<|\^|~|=)?v?([\d.x*]+)$/.exec(t);
      if (!m) throw new Error(`unsupported engines range: ${range}`);
      return comparator(m[1] ?? '', m[2].replace(/\.[x*]/g, ''), version);
    });
  });

const minimum = /(\d+\.\d+(?:\.\d+)?)/.exec(lock.packages[''].engines?.node ?? '')?.[1] ?? '20.19.0';
const targets = [...new Set([minimum, process.versions.node])];
const bad = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  const range = entry.engines?.node;
  if (!path || typeof range !== 'string') continue;
  for (const t of targets)
    if (!satisfies(parse(t), range)) bad.push(`${path}@${entry.version}: node ${range} excludes ${t}`);
}
if (bad.length) {
  console.error(`engines: ${bad.length} installed package(s) do not support Node ${targets.join(' / ')}:`);
  for (const b of bad) console.error(`  ${b}`);
  process.exit(1);
}
console.log(`engines: every package in package-lock.json supports Node ${targets.join(' and ')}`);
