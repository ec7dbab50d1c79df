import type { ErrorInfo, RunState } from '../events/records.js';

/** Thrown inside the loop to end the run with a given state. */
export class RunEnd extends Error {
  constructor(
    readonly state: RunState,
    readonly info?: ErrorInfo,
  ) {
    super(info?.message ?? state);
  }
}
