/**
 * CPU profile of one SDK's overhead workload, to find what dominates per-step time.
 *
 *   npm run profile -w @afk/bench -- [afk|openai-agents|ai-sdk] [N=400] [seconds=4]
 *
 * Warms up, then profiles only the runs (not construction) with the inspector's sampling profiler
 * (50 µs interval), writes results/<sdk>-n<N>.cpuprofile (open it in Chrome DevTools → Performance)
 * and prints the functions with the most self and inclusive time, SDK frames first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { SourceMap } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workload } from './overhead/workload.js';
import { renderTable } from './report.js';
import { fmt } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
  /** Samples per 1-based line of this function's script. */
  positionTicks?: Array<{ line: number; ticks: number }>;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const workloads: Record<Workload['id'], () => Promise<Workload>> = {
  afk: async () => (await import('./overhead/afk.js')).afkWorkload,
  'openai-agents': async () => (await import('./overhead/openai-agents.js')).openaiAgentsWorkload,
  'ai-sdk': async () => (await import('./overhead/ai-sdk.js')).aiSdkWorkload,
};

function short(url: string): string {
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length);
  const pk = url.indexOf('/packages/');
  if (pk >= 0) return url.slice(pk + '/packages/'.length);
  return url.replace(/^file:\/\//, '') || '(native)';
}

function key(n: ProfileNode): string {
  return `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
}

/** Self and inclusive microseconds per function (recursion counted once per stack). */
function summarize(profile: Profile): {
  self: Map<string, number>;
  total: Map<string, number>;
  allUs: number;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    const k = key(node);
    let sum = selfUs.get(id) ?? 0;
    self.set(k, (self.get(k) ?? 0) + sum);
    const fresh = !onStack.has(k);
    if (fresh) onStack.add(k);
    for (const c of node.children ?? []) sum += walk(c, onStack);
    if (fresh) {
      onStack.delete(k);
      total.set(k, (total.get(k) ?? 0) + sum);
    }
    return sum;
  };
  const allUs = walk(profile.nodes[0]!.id, new Set());
  return { self, total, allUs };
}

const maps = new Map<string, SourceMap | null>();

/** `file.ts:line` through the script's source map when it has one (afk's dist ships them). */
function sourceLine(url: string, line: number): string {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const file = fileURLToPath(url);
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  const map = maps.get(url);
  const entry = map?.findEntry(line - 1, 0) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource && entry.originalLine !== undefined) {
    return `${short(new URL(entry.originalSource, url).href)}:${entry.originalLine + 1}`;
  }
  return `${short(url)}:${line}`;
}

/** Self time per source line, for lines in scripts matching `filter`. */
function hotLines(profile: Profile, filter: (url: string) => boolean): Map<string, number> {
  const totalTicks = profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const usPerTick = (profile.endTime - profile.startTime) / Math.max(1, totalTicks);
  const lines = new Map<string, number>();
  for (const n of profile.nodes) {
    if (!filter(n.callFrame.url)) continue;
    for (const t of n.positionTicks ?? []) {
      const k = `${n.callFrame.functionName || '(anonymous)'} ${sourceLine(n.callFrame.url, t.line)}`;
      lines.set(k, (lines.get(k) ?? 0) + t.ticks * usPerTick);
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const [sdkArg = 'afk', nArg = '400', secondsArg = '4'] = process.argv.slice(2);
  const load = workloads[sdkArg as Workload['id']];
  if (!load) throw new Error(`unknown SDK ${sdkArg}; one of ${Object.keys(workloads).join(', ')}`);
  const workload = await load();
  const n = Number(nArg);
  const budgetMs = Number(secondsArg) * 1000;

  // Warm up (JIT) and estimate how many runs fit the budget.
  let start = performance.now();
  let warm = 0;
  while (performance.now() - start < Math.min(1000, budgetMs / 4) || warm < 3) {
    const p = workload.prepare(n);
    p.verify(await p.run());
    warm++;
  }
  const runs = Math.max(3, Math.round((budgetMs / ((performance.now() - start) / warm)) | 0));
  const prepared = Array.from({ length: runs }, () => workload.prepare(n));

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  globalThis.gc?.();
  await session.post('Profiler.start');
  start = performance.now();
  for (const p of prepared) await p.run();
  const elapsed = performance.now() - start;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();

  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', `${sdkArg}-n${n}.cpuprofile`);
  await writeFile(out, JSON.stringify(profile));
  const { self, total, allUs } = summarize(profile);
  const usPerStep = (elapsed * 1000) / (runs * n);
  console.log(
    `${workload.label}, N=${n}: ${runs} runs, ${fmt(usPerStep)} µs/step while profiling; wrote ${out}\n`,
  );

  const pct = (us: number) => `${fmt((us / allUs) * 100)}%`;
  const perStep = (us: number) => fmt((us / allUs) * usPerStep, 2);
  const top = (m: Map<string, number>, filter: (k: string) => boolean, count: number) =>
    [...m]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([k, us]) => [k, pct(us), perStep(us)]);
  const sdkFrames = (k: string) => k.includes('afk/dist/') || k.includes(' afk/');
  const cols = ['function', '% of samples', 'µs/step'];
  console.log(
    `${renderTable({ title: 'Self time, all frames', columns: cols, rows: top(self, () => true, 25) })}\n`,
  );
  if (sdkArg === 'afk') {
    console.log(
      `${renderTable({ title: 'Self time, afk frames', columns: cols, rows: top(self, sdkFrames, 25) })}\n`,
    );
    console.log(
      `${renderTable({ title: 'Inclusive time, afk frames', columns: cols, rows: top(total, sdkFrames, 40) })}\n`,
    );
    const lines = hotLines(profile, (url) => url.includes('/afk/dist/'));
    const lineCols = ['function and source line (self time)', '% of samples', 'µs/step'];
    console.log(
      `${renderTable({ title: 'Hot lines, afk (source-mapped)', columns: lineCols, rows: top(lines, () => true, 25) })}\n`,
    );
  }
}

await main();
