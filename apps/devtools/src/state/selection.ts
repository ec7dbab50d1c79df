import { create } from 'zustand';

interface SelectionState {
  /** The run shown in the detail panel; undefined means "the newest run". */
  selectedRunId: string | undefined;
  select(runId: string | undefined): void;
}

export const useSelection = create<SelectionState>()((set) => ({
  selectedRunId: undefined,
  select: (selectedRunId) => set({ selectedRunId }),
}));
