import { Debugger, type ForkEdit } from 'afk/debugger';
import { isAfkError } from 'afk/errors';
import { agentFor } from '../../agent-factory';
import { runner, store } from '../../runtime';
import { useSettings } from '../../state/settings';

/** The page's debugger over the devtools store. */
export const debuggerOf = new Debugger({ store });

/**
 * The playground's agent when it is the one named `agentName` (forks run in the page only with an
 * agent this page can build; a run imported from elsewhere may name one it cannot).
 */
export function pageAgentNamed(agentName: string) {
  const agent = agentFor(useSettings.getState().settings);
  return agent.name === agentName ? agent : undefined;
}

/** What happened to a fork: created, and running in the page or not (with why). */
export interface ForkOutcome {
  runId: string;
  running: boolean;
  note?: string;
}

/**
 * Creates a fork of `runId` (`Debugger.fork`) and, when the page has an agent by the run's name,
 * continues it in the page (`runner.resume`, not awaited: the run view fills live from the store).
 */
export async function forkAndRun(
  runId: string,
  agentName: string,
  req: { atSeq: number; edit?: ForkEdit },
): Promise<ForkOutcome> {
  const forkId = await debuggerOf.fork(runId, req);
  const agent = pageAgentNamed(agentName);
  if (!agent)
    return {
      runId: forkId,
      running: false,
      note: `No agent named “${agentName}” in this page: the fork was created but not run.`,
    };
  const record = await store.getRun(forkId);
  if (!record) throw new Error(`the fork ${forkId} was not stored`);
  runner.resume(agent, { runId: forkId, threadId: record.threadId }).catch((err: unknown) => {
    console.error('[devtools] the fork failed to run', err);
  });
  return { runId: forkId, running: true };
}

/** The file name of a run's export: `<agent>-<runId>.afk.json`. */
export function exportFileName(agentName: string, runId: string): string {
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9._-]+/g, '_');
  return `${safe(agentName)}-${safe(runId)}.afk.json`;
}

/** Downloads `Debugger.export(runId)` as `<agent>-<runId>.afk.json`. */
export async function downloadExport(runId: string, agentName: string): Promise<void> {
  const data = await debuggerOf.export(runId);
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = exportFileName(agentName, runId);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Why an import failed: a headline and every issue the debugger listed. */
export interface ImportFailure {
  message: string;
  issues: string[];
}

/** Reads, validates and imports an export file; the root run's id, or every problem found. */
export async function importFile(file: File): Promise<{ runId: string } | { failure: ImportFailure }> {
  let data: unknown;
  try {
    data = JSON.parse(await file.text());
  } catch (err) {
    return {
      failure: {
        message: `${file.name} is not JSON`,
        issues: [err instanceof Error ? err.message : String(err)],
      },
    };
  }
  try {
    return { runId: await debuggerOf.import(data) };
  } catch (err) {
    if (isAfkError(err))
      return {
        failure: {
          message: `${file.name} cannot be imported: ${err.message.split('\n')[0]}`,
          issues: err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
        },
      };
    return { failure: { message: `${file.name} cannot be imported`, issues: [String(err)] } };
  }
}
