import type { AgentResult, AgentStreamEvent, AgentStreamHandle } from 'afk/core';
import { create } from 'zustand';
import { errorMessage } from '../components/format';
import { type ExampleId, exampleById } from '../demo/examples';

/** One row of the playground's stream panel: the event and which stream (start or resume) it came in. */
export interface StreamRow {
  key: string;
  /** 0 for the run's start, 1.. for each resume in this tab. */
  part: number;
  ev: AgentStreamEvent;
}

interface PlaygroundState {
  /** The run the playground last started (or resumed): the one its panels show. */
  runId: string | undefined;
  setRunId(runId: string | undefined): void;
  /** The example agent picked. */
  exampleId: ExampleId;
  setExample(id: ExampleId): void;
  /** The stream of the playground's own run in this tab (start and resumes). */
  rows: StreamRow[];
  streaming: boolean;
  error: string | undefined;
  /**
   * Consumes a stream of the playground's run into `rows` (a fresh list for a new run, appended
   * for a resume of the same run). Resolves with the result, or undefined when it failed.
   */
  drive(handle: AgentStreamHandle, opts: { fresh: boolean }): Promise<AgentResult | undefined>;
}

const RUN_KEY = 'afk-devtools:playground-run';
const EXAMPLE_KEY = 'afk-devtools:playground-example';

function remembered(key: string): string | undefined {
  try {
    return sessionStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(key: string, value: string | undefined): void {
  try {
    if (value) sessionStorage.setItem(key, value);
    else sessionStorage.removeItem(key);
  } catch {
    // storage unavailable (private mode): the choice lasts until reload
  }
}

let part = 0;

/**
 * The playground's own current run and stream, independent of the run selected in the Runs view
 * (selecting a past run there never changes it); the run id and the example are kept in this
 * tab's sessionStorage so a reload (a run paused for approval, say) shows the same run.
 */
export const usePlayground = create<PlaygroundState>()((set, get) => ({
  runId: remembered(RUN_KEY),
  setRunId: (runId) => {
    remember(RUN_KEY, runId);
    set({ runId });
  },
  exampleId: exampleById(remembered(EXAMPLE_KEY)).id,
  setExample: (exampleId) => {
    remember(EXAMPLE_KEY, exampleId);
    set({ exampleId });
  },
  rows: [],
  streaming: false,
  error: undefined,
  drive: async (handle, { fresh }) => {
    const p = fresh ? 0 : ++part;
    if (fresh) part = 0;
    get().setRunId(handle.runId);
    set((s) => ({ rows: fresh ? [] : s.rows, streaming: true, error: undefined }));
    try {
      for await (const ev of handle) {
        if (get().runId !== handle.runId) continue; // another run took the playground over
        set((s) => ({ rows: [...s.rows, { key: `${p}:${ev.seq}`, part: p, ev }] }));
      }
      // A run that ends with an error shows it on the run panel; here only what broke the stream.
      return await handle.result;
    } catch (err) {
      if (get().runId === handle.runId) set({ error: errorMessage(err) });
      return undefined;
    } finally {
      if (get().runId === handle.runId) set({ streaming: false });
    }
  },
}));
