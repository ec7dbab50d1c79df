import type { RunDiff, StepSummary } from 'afk/debugger';
import { formatCost, formatDuration, formatTokens } from './format.js';

export interface RunDiffViewProps {
  diff: RunDiff;
  /** How the two runs are named in the headings (agent, short id). */
  labelA: string;
  labelB: string;
}

const MARK: Record<RunDiff['steps'][number]['change'], string> = {
  same: '=',
  changed: '≠',
  added: '+',
  removed: '−',
};

/**
 * Two runs side by side from `Debugger.diff`: their steps aligned (same / changed / added /
 * removed, each with a glyph as well as a hue), the final texts, the tools only one of them used,
 * and the deltas (B − A) of duration, tokens and cost.
 *
 * @example
 * <RunDiffView diff={await dbg.diff(a, b)} labelA="A · run_1" labelB="B · run_2" />
 */
export function RunDiffView({ diff, labelA, labelB }: RunDiffViewProps) {
  const counts = { same: 0, changed: 0, added: 0, removed: 0 };
  for (const s of diff.steps) counts[s.change]++;
  return (
    <div className="afk-diff" data-testid="run-diff">
      <dl className="afk-diff-deltas" data-testid="diff-deltas">
        <Delta label="duration" v={diff.deltas.durationMs} fmt={(v) => formatDuration(Math.abs(v))} />
        <Delta label="tokens" v={diff.deltas.totalTokens} fmt={(v) => formatTokens(Math.abs(v))} />
        <Delta label="cost" v={diff.deltas.costUsd} fmt={(v) => formatCost(Math.abs(v))} />
        <div>
          <dt>steps</dt>
          <dd className="afk-mono">
            {counts.same} same · {counts.changed} changed · {counts.added} added · {counts.removed} removed
          </dd>
        </div>
      </dl>
      <table className="afk-diff-steps">
        <thead>
          <tr>
            <th scope="col">{labelA}</th>
            <th scope="col" aria-label="change" />
            <th scope="col">{labelB}</th>
          </tr>
        </thead>
        <tbody>
          {diff.steps.map((s, i) => (
            <tr
              // biome-ignore lint/suspicious/noArrayIndexKey: the alignment is positional
              key={i}
              className={`afk-diff-${s.change}`}
              data-testid="diff-step"
              data-change={s.change}
            >
              <td>{s.a ? <StepCell s={s.a} other={s.b} /> : <span className="afk-muted">—</span>}</td>
              <td className="afk-diff-mark" title={s.change}>
                <span aria-hidden="true">{MARK[s.change]}</span>
                <span className="afk-sr-only">{s.change}</span>
              </td>
              <td>{s.b ? <StepCell s={s.b} other={s.a} /> : <span className="afk-muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="afk-block">
        <h4>
          Final text{' '}
          {diff.finalText.same ? (
            <span className="afk-diff-tag is-same">same</span>
          ) : (
            <span className="afk-diff-tag is-changed">differs</span>
          )}
        </h4>
        <div className="afk-diff-final">
          <pre className="afk-json" data-testid="final-a">
            {diff.finalText.a || '—'}
          </pre>
          <pre className="afk-json" data-testid="final-b">
            {diff.finalText.b || '—'}
          </pre>
        </div>
      </section>
      {(diff.tools.onlyA.length > 0 || diff.tools.onlyB.length > 0) && (
        <section className="afk-block" data-testid="diff-tools">
          <h4>Tools used by one run only</h4>
          <p>
            only in A: <span className="afk-mono">{diff.tools.onlyA.join(', ') || '—'}</span> · only in B:{' '}
            <span className="afk-mono">{diff.tools.onlyB.join(', ') || '—'}</span>
          </p>
        </section>
      )}
    </div>
  );
}

function Delta({ label, v, fmt }: { label: string; v: number; fmt(v: number): string }) {
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  return (
    <div>
      <dt>{label} (B − A)</dt>
      <dd className={`afk-mono ${v > 0 ? 'is-up' : v < 0 ? 'is-down' : ''}`}>
        {sign}
        {fmt(v)}
      </dd>
    </div>
  );
}

function StepCell({ s, other }: { s: StepSummary; other: StepSummary | undefined }) {
  return (
    <div className="afk-diff-cell">
      <div>
        <strong>step {s.step}</strong>{' '}
        <span className={`afk-diff-kind is-${s.kind}`}>
          {s.kind === 'tools' ? s.toolNames.join(', ') : s.kind}
        </span>
      </div>
      {s.calls.map((c, i) => {
        const o = other?.calls[i];
        const changed = o && (JSON.stringify(o.args) !== JSON.stringify(c.args) || o.output !== c.output);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: calls are positional within a step
          <div key={i} className={`afk-mono afk-small${changed ? ' afk-diff-hl' : ''}`}>
            {c.name}({JSON.stringify(c.args)}) → {c.isError ? '✗ ' : ''}
            {c.output ?? '…'}
          </div>
        );
      })}
      {s.text && (
        <div className={`afk-small${other && other.text !== s.text ? ' afk-diff-hl' : ''}`}>{s.text}</div>
      )}
      <div className="afk-muted afk-small afk-mono">
        {formatDuration(s.durationMs)} · {formatTokens(s.totalTokens)} tok · {formatCost(s.costUsd)}
      </div>
    </div>
  );
}
