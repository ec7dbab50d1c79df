import { type PayloadOptions, shapeRecord } from '../debugger/payload.js';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { RunRecord, StoreBatch, ThreadRecord } from '../memory/types.js';

/** A store batch as it leaves the process: no snapshot, no durability hint, every record redacted. */
export interface BridgeBatch {
  events?: RunEvent[];
  run?: RunRecord;
  approvals?: ApprovalRequest[];
  tickets?: BackgroundTicket[];
  thread?: ThreadRecord;
}

/**
 * Shapes a written batch for the bridge with the run export's redaction (`shapeRecord`: values
 * under redact keys replaced, JSON text inside strings redacted too, long strings cut; content
 * kept). Returns undefined when nothing in it is for the app (a snapshot-only write).
 */
export function toBridgeBatch(
  batch: StoreBatch,
  opts: Omit<PayloadOptions, 'includeContent'>,
): BridgeBatch | undefined {
  const shape: PayloadOptions = {
    includeContent: true,
    maxPayloadChars: opts.maxPayloadChars,
    redactKeys: opts.redactKeys,
  };
  const out: BridgeBatch = {};
  let any = false;
  if (batch.events?.length) {
    out.events = batch.events.map((e) => shapeRecord(e, shape));
    any = true;
  }
  if (batch.run) {
    out.run = shapeRecord(batch.run, shape);
    any = true;
  }
  if (batch.approvals?.length) {
    out.approvals = batch.approvals.map((a) => shapeRecord(a, shape));
    any = true;
  }
  if (batch.tickets?.length) {
    out.tickets = batch.tickets.map((t) => shapeRecord(t, shape));
    any = true;
  }
  if (batch.thread) {
    out.thread = shapeRecord(batch.thread, shape);
    any = true;
  }
  return any ? out : undefined;
}
