import type { AgentStreamEvent } from 'afk/core';
import { describeEvent } from './format';

/** The live stream of the run started in this page, one row per event, in `seq` order. */
export function EventList({ events }: { events: readonly AgentStreamEvent[] }) {
  return (
    <ol className="event-list" data-testid="event-list" aria-label="Stream events">
      {events.map((ev) => (
        <li key={ev.seq} data-testid="event-item" data-type={ev.type}>
          <span className="seq">#{ev.seq}</span> <span className="type">{ev.type}</span>{' '}
          <span className="detail">{describeEvent(ev)}</span>
        </li>
      ))}
    </ol>
  );
}
