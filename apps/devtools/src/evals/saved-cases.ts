import { type EvalCase, validateCases } from 'afk/evals';
import { create } from 'zustand';

/** Where the "Saved cases" suite lives: this origin's localStorage (cases are plain JSON). */
export const SAVED_CASES_KEY = 'afk-devtools:saved-cases';

/** The suite id of the in-app suite of saved cases (its reports group under it in the Evals view). */
export const SAVED_SUITE_NAME = 'Saved cases';

function load(): EvalCase[] {
  try {
    const raw = localStorage.getItem(SAVED_CASES_KEY);
    // Validated like a cases file: a hand-edited or foreign entry is dropped, not crashed on.
    return raw ? validateCases(JSON.parse(raw), 'saved cases') : [];
  } catch (err) {
    console.warn('[devtools] saved cases unreadable, starting empty', err);
    return [];
  }
}

function persist(cases: EvalCase[]): string | undefined {
  try {
    localStorage.setItem(SAVED_CASES_KEY, JSON.stringify({ cases }));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

interface SavedCasesState {
  cases: EvalCase[];
  /** Adds or replaces (same id) a case; returns an error message when it could not be kept. */
  save(c: EvalCase): string | undefined;
  remove(id: string): void;
}

/**
 * The in-app "Saved cases" suite: cases saved from runs with "Save as eval case", kept in this
 * origin's localStorage, run from the Evals view (offline: each replays its cassette).
 */
export const useSavedCases = create<SavedCasesState>()((set, get) => ({
  cases: load(),
  save: (c) => {
    const cases = [...get().cases.filter((x) => x.id !== c.id), c];
    const err = persist(cases);
    if (!err) set({ cases });
    return err;
  },
  remove: (id) => {
    const cases = get().cases.filter((x) => x.id !== id);
    persist(cases);
    set({ cases });
  },
}));
