import { type StreamRow, usePlayground } from '../state/playground';
import { summariseEvent } from './event-summary';

/** The live stream of the playground's run in this page, one row per event, resumes marked. */
export function EventList({ rows }: { rows: readonly StreamRow[] }) {
  if (rows.length === 0)
    return (
      <p className="hint" data-testid="event-list-empty">
        Pick an agent and press Run: its events stream here.
      </p>
    );
  return (
    <ol className="event-list pg-events" data-testid="event-list" aria-label="Stream events">
      {rows.map((r, i) => (
        <li
          key={r.key}
          data-testid="event-item"
          data-type={r.ev.type}
          className={`pg-ev pg-ev-${r.ev.type}${i > 0 && rows[i - 1]?.part !== r.part ? ' pg-resumed' : ''}`}
        >
          <span className="seq">#{r.ev.seq}</span>
          <span className="type">{r.ev.type}</span>
          {r.ev.agentPath?.includes('>') && <span className="pg-path">{r.ev.agentPath}</span>}
          <span className="detail">{summariseEvent(r.ev)}</span>
        </li>
      ))}
    </ol>
  );
}

/** The playground's stream panel: its run's events in this tab, start and resumes. */
export function StreamPanel() {
  const rows = usePlayground((s) => s.rows);
  return (
    <section className="panel" aria-labelledby="stream-title">
      <h2 id="stream-title">
        Stream events <span className="hint">({rows.length})</span>
      </h2>
      <EventList rows={rows} />
    </section>
  );
}
