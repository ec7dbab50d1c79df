/**
 * Child process of the eval-suite overhead benchmark: `node --single-threaded --import
 * register.mjs child.ts N REPS WARMUPS` prints `{ plain, suite }` (ms per suite) as one JSON line
 * on stdout; progress goes to stderr.
 */

import { measure } from './measure.js';

const [n, reps, warmups] = process.argv.slice(2).map(Number);
const samples = await measure(n ?? 1000, reps ?? 20, warmups ?? 2, (m) => process.stderr.write(`${m}\n`));
process.stdout.write(`${JSON.stringify(samples)}\n`);
