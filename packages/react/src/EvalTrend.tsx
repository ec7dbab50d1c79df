import type { SuiteRun } from './eval-summary.js';

/** A pass-rate sparkline over a suite's runs (oldest → newest), a small SVG with a text label. */
export function EvalTrend({ runs }: { runs: readonly SuiteRun[] }) {
  const points = [...runs].sort((a, b) => a.startedAt - b.startedAt).map((r) => r.report.summary.passRate);
  const w = 120;
  const h = 28;
  if (points.length === 0) return null;
  const x = (i: number) => (points.length === 1 ? w / 2 : 4 + (i * (w - 8)) / (points.length - 1));
  const y = (p: number) => 2 + (1 - p) * (h - 4);
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p).toFixed(1)}`).join(' ');
  const label = `pass rate over ${points.length} run${points.length === 1 ? '' : 's'}: ${points
    .map((p) => `${Math.round(p * 100)}%`)
    .join(', ')}`;
  return (
    <span className="afk-eval-trend" data-testid="eval-trend">
      <span className="afk-eval-trend-label">trend</span>
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
        <title>{label}</title>
        <line x1={0} x2={w} y1={y(1)} y2={y(1)} className="afk-eval-trend-ref" />
        <path d={d} className="afk-eval-trend-line" />
        {points.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: one point per run, in order
          <circle key={i} cx={x(i)} cy={y(p)} r={2} className={p === 1 ? 'ok' : 'bad'} />
        ))}
      </svg>
    </span>
  );
}
