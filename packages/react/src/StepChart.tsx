import type { Span, Timeline } from 'afk/debugger';
import { type KeyboardEvent, type MouseEvent, useMemo } from 'react';
import { formatCost, formatTokens } from './format.js';
import { type StepPoint, stepPoints } from './span-tree.js';

export interface StepChartProps {
  timeline: Timeline;
  selectedSpanId?: string | undefined;
  onSelect?: (span: Span) => void;
}

const H = 28;

/**
 * Tokens and cost per step as two small bar charts (SVG): a spike shows which step was
 * expensive; clicking a bar (or ← → while focused) selects that step. Failed steps are marked.
 *
 * @example
 * <StepChart timeline={tl} selectedSpanId={id} onSelect={(s) => setId(s.id)} />
 */
export function StepChart({ timeline, selectedSpanId, onSelect }: StepChartProps) {
  const points = useMemo(() => stepPoints(timeline), [timeline]);
  if (!points.length) return null;
  const selected = points.findIndex((p) => p.span.id === selectedSpanId);
  const pick = (i: number) => {
    const p = points[Math.max(0, Math.min(points.length - 1, i))];
    if (p) onSelect?.(p.span);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowRight') pick(selected + 1);
    else if (e.key === 'ArrowLeft') pick(selected < 0 ? points.length - 1 : selected - 1);
    else return;
    e.preventDefault();
  };
  const total = points.reduce((a, p) => ({ t: a.t + p.tokens, c: a.c + p.costUsd }), { t: 0, c: 0 });
  const sel = points[selected];
  return (
    <div className="afk-stepchart" data-testid="step-chart">
      <Series
        label="tokens / step"
        total={formatTokens(total.t)}
        points={points}
        value={(p) => p.tokens}
        selected={selected}
        onPick={pick}
        onKey={onKey}
        testId="step-chart-tokens"
      />
      <Series
        label="cost / step"
        total={formatCost(total.c)}
        points={points}
        value={(p) => p.costUsd}
        selected={selected}
        onPick={pick}
        onKey={onKey}
        testId="step-chart-cost"
      />
      <span className="afk-muted afk-small afk-mono afk-stepchart-sel" aria-live="polite">
        {sel
          ? `step ${sel.step}: ${formatTokens(sel.tokens)} tok · ${formatCost(sel.costUsd)}`
          : `${points.length} ${points.length === 1 ? 'step' : 'steps'}`}
      </span>
    </div>
  );
}

function Series({
  label,
  total,
  points,
  value,
  selected,
  onPick,
  onKey,
  testId,
}: {
  label: string;
  total: string;
  points: StepPoint[];
  value: (p: StepPoint) => number;
  selected: number;
  onPick(i: number): void;
  onKey(e: KeyboardEvent): void;
  testId: string;
}) {
  const n = points.length;
  const max = Math.max(1e-12, ...points.map(value));
  const d = points
    .map((p, i) => {
      const h = Math.max(value(p) > 0 ? 1.5 : 0.5, (value(p) / max) * (H - 2));
      return `M${i + 0.12} ${H}V${H - h}h0.76V${H}z`;
    })
    .join('');
  const failed = points.map((p, i) => (p.failed ? `M${i + 0.12} 0h0.76v2h-0.76z` : '')).join('');
  const onClick = (e: MouseEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    if (r.width > 0) onPick(Math.floor(((e.clientX - r.left) / r.width) * n));
  };
  return (
    <div className="afk-stepchart-series">
      <span className="afk-muted afk-small">
        {label} <span className="afk-mono">Σ {total}</span>
      </span>
      <div
        role="slider"
        aria-label={`${label}: select a step`}
        aria-valuemin={0}
        aria-valuemax={n - 1}
        aria-valuenow={Math.max(0, selected)}
        tabIndex={0}
        className="afk-stepchart-focus"
        onKeyDown={onKey}
      >
        <svg
          aria-hidden="true"
          viewBox={`0 0 ${n} ${H}`}
          preserveAspectRatio="none"
          className="afk-stepchart-svg"
          data-testid={testId}
          data-steps={n}
          onClick={onClick}
        >
          {selected >= 0 && <rect className="afk-stepchart-hl" x={selected} y={0} width={1} height={H} />}
          <path className="afk-stepchart-bars" d={d} />
          {failed && <path className="afk-stepchart-failed" d={failed} />}
        </svg>
      </div>
    </div>
  );
}
