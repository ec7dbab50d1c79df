import { describe, expect, it } from 'vitest';
import { layoutTimeline } from './layout.js';
import type { Span, Timeline } from './types.js';

function s(
  id: string,
  kind: Span['kind'],
  startTs: number,
  endTs: number | undefined,
  children: Span[] = [],
): Span {
  return {
    id,
    kind,
    name: id,
    runId: 'r',
    agentPath: 'a',
    startTs,
    ...(endTs === undefined ? {} : { endTs }),
    status: endTs === undefined ? 'running' : 'ok',
    fromSeq: 0,
    attributes: {},
    children,
  };
}

const tl: Timeline = {
  runId: 'r',
  threadId: 't',
  agentName: 'a',
  state: 'completed',
  startTs: 1000,
  endTs: 2000,
  usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
  eventCount: 9,
  root: s('run', 'run', 1000, 2000, [
    s('step1', 'step', 1000, 1500, [s('llm1', 'llm', 1000, 1400), s('tool-add', 'tool', 1400, 1401)]),
    s('step2', 'step', 1500, 2000, [s('llm2', 'llm', 1500, 2000)]),
  ]),
};

describe('layoutTimeline', () => {
  it('lays spans out depth first with bars as fractions of the run; tiny spans stay visible', () => {
    const rows = layoutTimeline(tl);
    expect(rows.map((r) => `${r.depth}:${r.span.id}`)).toEqual([
      '0:run',
      '1:step1',
      '2:llm1',
      '2:tool-add',
      '1:step2',
      '2:llm2',
    ]);
    const tool = rows.find((r) => r.span.id === 'tool-add')!;
    expect(tool.offset).toBeCloseTo(0.4);
    expect(tool.width).toBeCloseTo(0.004);
    expect(rows[0]!.width).toBeCloseTo(1);
  });

  it('collapses, searches and zooms', () => {
    expect(layoutTimeline(tl, { collapsed: new Set(['step1']) }).map((r) => r.span.id)).toEqual([
      'run',
      'step1',
      'step2',
      'llm2',
    ]);
    expect(layoutTimeline(tl, { search: 'add' }).map((r) => r.span.id)).toEqual(['run', 'step1', 'tool-add']);
    const zoomed = layoutTimeline(tl, { window: { fromMs: 500, toMs: 1000 } });
    const step2 = zoomed.find((r) => r.span.id === 'step2')!;
    expect(step2.offset).toBeCloseTo(0);
    expect(step2.width).toBeCloseTo(1);
  });
});
