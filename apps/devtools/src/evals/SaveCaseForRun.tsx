import { store } from '../runtime';
import { useStoreQuery } from '../state/use-store-query';
import { SaveCaseAction } from './SaveCaseAction';

/** The run page's "Save as eval case" action for `runId` (its record read live from the store). */
export function SaveCaseForRun({ runId }: { runId: string }) {
  const run = useStoreQuery(`save-case-run:${runId}`, runId, () => store.getRun(runId));
  return run ? <SaveCaseAction run={run} store={store} /> : null;
}
