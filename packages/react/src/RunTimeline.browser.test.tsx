import type { Span, Timeline } from 'afk/debugger';
import { useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { RunTimeline } from './RunTimeline.js';
import { StepChart } from './StepChart.js';
import './styles.css';

/** A synthetic run: `steps` steps of one model call and `tools` parallel tool calls each. */
function bigTimeline(steps: number, tools: number): Timeline {
  const t0 = 1_700_000_000_000;
  let seq = 0;
  const span = (
    kind: Span['kind'],
    name: string,
    start: number,
    end: number,
    children: Span[] = [],
  ): Span => ({
    id: `run_big:${kind}:${seq}`,
    kind,
    name,
    runId: 'run_big',
    agentPath: 'big',
    startTs: start,
    endTs: end,
    status: 'ok',
    fromSeq: seq++,
    toSeq: seq,
    attributes: kind === 'llm' ? { 'afk.usage.total_tokens': 10 + (seq % 7), costUsd: 0.0001 } : {},
    children,
  });
  const stepSpans: Span[] = [];
  for (let i = 0; i < steps; i++) {
    const s = t0 + i * 100;
    const kids = [span('llm', 'model', s, s + 60)];
    // Parallel tool calls: same start, overlapping; one of them 1 ms long (tiny).
    for (let k = 0; k < tools; k++) kids.push(span('tool', `tool_${k}`, s + 60, s + 61 + k * 10));
    stepSpans.push(span('step', `step ${i + 1}`, s, s + 95, kids));
  }
  const root = span('run', 'big', t0, t0 + steps * 100, stepSpans);
  return {
    runId: 'run_big',
    threadId: 'thread_big',
    agentName: 'big',
    state: 'completed',
    startTs: t0,
    endTs: t0 + steps * 100,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
    eventCount: seq,
    root,
  };
}

let container: HTMLDivElement;
let root: Root;
const mount = (node: React.ReactNode) => {
  root = createRoot(container);
  root.render(node);
};
const rows = () => Array.from(container.querySelectorAll<HTMLElement>('[data-testid="span-row"]'));
const until = async (f: () => boolean, what: string) => {
  await expect.poll(f, { message: what, timeout: 5000 }).toBe(true);
};

beforeEach(async () => {
  await page.viewport(1280, 900);
  container = document.createElement('div');
  container.style.cssText = 'width: 1100px; height: 600px; display: flex; flex-direction: column;';
  document.body.append(container);
});
afterEach(() => {
  root.unmount();
  container.remove();
});

function Harness({ tl }: { tl: Timeline }) {
  const [id, setId] = useState<string>();
  return (
    <>
      <output data-testid="selected">{id ?? ''}</output>
      <div style={{ height: 480 }}>
        <RunTimeline timeline={tl} selectedSpanId={id} onSelect={(s) => setId(s.id)} fill />
      </div>
      <StepChart timeline={tl} selectedSpanId={id} onSelect={(s) => setId(s.id)} />
    </>
  );
}

describe('<RunTimeline />', () => {
  it('renders a bounded number of rows for a 10,000-span run, also after scrolling to the end', async () => {
    const tl = bigTimeline(2000, 4); // 1 + 2000 × (1 step + 1 llm + 4 tools) = 12,001 spans
    mount(<Harness tl={tl} />);
    await until(() => rows().length > 0, 'rows render');
    expect(container.querySelector('[data-testid="span-count"]')?.textContent).toContain('12001 spans');
    expect(rows().length).toBeLessThan(80);
    const body = container.querySelector<HTMLElement>('.afk-timeline-body') as HTMLElement;
    body.scrollTop = body.scrollHeight;
    body.dispatchEvent(new Event('scroll'));
    await until(
      () => rows().some((r) => r.dataset.spanId === tl.root.children.at(-1)?.children.at(-1)?.id),
      'last row',
    );
    expect(rows().length).toBeLessThan(80);
  });

  it('keeps tiny spans visible and marks parallel tool calls', async () => {
    const tl = bigTimeline(3, 3);
    mount(<Harness tl={tl} />);
    await until(() => rows().length === 16, 'rows');
    const tiny = rows().find((r) => r.dataset.spanKind === 'tool' && r.textContent?.includes('tool_0'));
    const bar = tiny?.querySelector<HTMLElement>('.afk-bar');
    expect(bar).toBeTruthy();
    expect(bar?.getBoundingClientRect().width ?? 0).toBeGreaterThanOrEqual(2);
    expect(bar?.classList.contains('is-parallel')).toBe(true);
    expect(tiny?.querySelector('.afk-parallel')).toBeTruthy();
  });

  it('syncs the selection: click, arrow keys, the step chart, and collapse from the keyboard', async () => {
    const tl = bigTimeline(5, 2);
    mount(<Harness tl={tl} />);
    await until(() => rows().length > 0, 'rows');
    const selected = () => container.querySelector('[data-testid="selected"]')?.textContent;
    const step2 = tl.root.children[1] as Span;
    await userEvent.click(
      rows()
        .find((r) => r.dataset.spanId === step2.id)
        ?.querySelector('.afk-span-name') as HTMLElement,
    );
    expect(selected()).toBe(step2.id);
    expect(
      rows()
        .find((r) => r.dataset.spanId === step2.id)
        ?.getAttribute('aria-selected'),
    ).toBe('true');
    await userEvent.keyboard('{ArrowDown}');
    expect(selected()).toBe(step2.children[0]?.id);
    await userEvent.keyboard('{ArrowUp}{ArrowLeft}');
    await until(() => !rows().some((r) => r.dataset.spanId === step2.children[0]?.id), 'step 2 collapsed');
    await userEvent.keyboard('{ArrowRight}');
    await until(() => rows().some((r) => r.dataset.spanId === step2.children[0]?.id), 'step 2 expanded');
    // A click on the step chart's 4th bar selects step 4.
    const svg = container.querySelector<SVGSVGElement>('[data-testid="step-chart-tokens"]') as SVGSVGElement;
    const box = svg.getBoundingClientRect();
    svg.dispatchEvent(
      new MouseEvent('click', {
        bubbles: true,
        clientX: box.left + box.width * (3.5 / 5),
        clientY: box.top + 5,
      }),
    );
    await until(() => selected() === tl.root.children[3]?.id, 'chart selects step 4');
    expect(
      rows()
        .find((r) => r.dataset.spanId === tl.root.children[3]?.id)
        ?.classList.contains('is-selected'),
    ).toBe(true);
  });

  it('filters by a search and zooms with the buttons, ctrl+wheel and the brush', async () => {
    const tl = bigTimeline(10, 1);
    mount(<Harness tl={tl} />);
    await until(() => rows().length > 0, 'rows');
    await userEvent.fill(container.querySelector('[data-testid="span-search"]') as HTMLElement, 'step 7');
    await until(() => rows().length === 2, 'the run and step 7');
    await userEvent.clear(container.querySelector('[data-testid="span-search"]') as HTMLElement);
    await until(() => rows().length === 31, 'all rows again');

    const widthOf = (id: string) =>
      rows()
        .find((r) => r.dataset.spanId === id)
        ?.querySelector<HTMLElement>('.afk-bar')
        ?.getBoundingClientRect().width ?? 0;
    const step1 = (tl.root.children[0] as Span).id;
    const before = widthOf(step1);
    const label = () => container.querySelector('[data-testid="zoom-window"]')?.textContent;
    expect(label()).toBe('whole run');
    await userEvent.click(container.querySelector('[data-testid="zoom-in"]') as HTMLElement);
    await userEvent.click(container.querySelector('[data-testid="zoom-in"]') as HTMLElement);
    expect(label()).not.toBe('whole run');
    await until(
      () => widthOf(step1) > before * 1.5 || widthOf(step1) === 0,
      'bars widen (or leave the window)',
    );
    await userEvent.click(container.querySelector('[data-testid="zoom-reset"]') as HTMLElement);
    expect(label()).toBe('whole run');
    expect(Math.abs(widthOf(step1) - before)).toBeLessThan(1);

    // ctrl+wheel over the waterfall zooms around the pointer, the page itself does not scroll.
    const body = container.querySelector<HTMLElement>('.afk-timeline-body') as HTMLElement;
    const wheel = new WheelEvent('wheel', {
      deltaY: -100,
      ctrlKey: true,
      bubbles: true,
      cancelable: true,
      clientX: 700,
    });
    body.dispatchEvent(wheel);
    expect(wheel.defaultPrevented).toBe(true);
    await until(() => label() !== 'whole run', 'ctrl+wheel zoomed');
    await userEvent.click(container.querySelector('[data-testid="zoom-reset"]') as HTMLElement);

    // Brush: drag across the first fifth of the overview strip.
    const brush = container.querySelector<HTMLElement>('[data-testid="timeline-brush"]') as HTMLElement;
    const b = brush.getBoundingClientRect();
    const at = (f: number) => ({
      bubbles: true,
      clientX: b.left + b.width * f,
      clientY: b.top + 4,
      pointerId: 1,
      button: 0,
    });
    brush.dispatchEvent(new PointerEvent('pointerdown', at(0)));
    brush.dispatchEvent(new PointerEvent('pointermove', at(0.2)));
    brush.dispatchEvent(new PointerEvent('pointerup', at(0.2)));
    await until(() => label() === '0.00 ms – 200 ms', `brushed to the first 200 ms (got ${label()})`);
  });
});
