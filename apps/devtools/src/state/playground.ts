import { create } from 'zustand';

interface PlaygroundState {
  /** The run the playground last started (or resumed): the one its panels show. */
  runId: string | undefined;
  setRunId(runId: string | undefined): void;
}

const KEY = 'afk-devtools:playground-run';

function remembered(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The playground's own current run, independent of the run selected in the Runs view; kept in
 * this tab's sessionStorage so a reload (a run paused for approval, say) shows the same run.
 */
export const usePlayground = create<PlaygroundState>()((set) => ({
  runId: remembered(),
  setRunId: (runId) => {
    try {
      if (runId) sessionStorage.setItem(KEY, runId);
      else sessionStorage.removeItem(KEY);
    } catch {
      // storage unavailable (private mode): the choice lasts until reload
    }
    set({ runId });
  },
}));
