import type { ChangeEvent } from 'react';
import { useAfk } from './context.js';
import { parseSuiteReport } from './eval-report-import.js';
import { suiteRunId } from './eval-summary.js';

/** What the last import said: its first line, then any issues. */
export interface ImportResult {
  ok: boolean;
  lines: string[];
}

/**
 * "Import report": reads a JSON `SuiteReport` (e.g. from CI), validates it and saves it with
 * `putEvalReport`; a bad file lists its issues and saves nothing.
 */
export function EvalImport({
  onImported,
  result,
  setResult,
}: {
  onImported(id: string): void;
  /** The last import's outcome (kept by the parent: the importer moves once there is data). */
  result: ImportResult | undefined;
  setResult(r: ImportResult): void;
}) {
  const { store } = useAfk();

  const onChange = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    const parsed = parseSuiteReport(await file.text());
    input.value = '';
    if (!parsed.ok) {
      setResult({ ok: false, lines: [`${file.name} was not imported:`, ...parsed.issues] });
      return;
    }
    const { suiteId, startedAt } = parsed.report;
    try {
      const { outputs: _outputs, ...persisted } = parsed.report;
      await store.putEvalReport({ suiteId, startedAt, report: JSON.parse(JSON.stringify(persisted)) });
      setResult({ ok: true, lines: [`Imported ${file.name} (${parsed.report.name}).`] });
      onImported(suiteRunId(suiteId, startedAt));
    } catch (err) {
      setResult({
        ok: false,
        lines: [`the store refused ${file.name}: ${err instanceof Error ? err.message : String(err)}`],
      });
    }
  };

  return (
    <div className="afk-eval-import">
      <label className="afk-eval-import-button">
        Import report
        <input
          type="file"
          accept="application/json,.json"
          data-testid="eval-import"
          aria-label="Import a JSON suite report"
          onChange={(e) => void onChange(e)}
        />
      </label>
      {result && (
        <div
          className={`afk-eval-import-result ${result.ok ? 'ok' : 'error'}`}
          role={result.ok ? 'status' : 'alert'}
          data-testid="eval-import-result"
        >
          {result.lines[0]}
          {result.lines.length > 1 && (
            <ul>
              {result.lines.slice(1).map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
