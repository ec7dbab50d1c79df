import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { openRun } from '../../state/selection';
import { type ImportFailure, importFile } from './run-actions';
import './import-drop.css';

let picker: HTMLInputElement | null = null;

/** Opens the file picker of the app's import (mounted once by {@link ImportDrop}). */
export function openImportPicker(): void {
  picker?.click();
}

/** An "Import run…" button: the same import as dropping a file on the app. */
export function ImportButton({ className = 'afk-btn' }: { className?: string }) {
  return (
    <button type="button" className={className} onClick={openImportPicker} data-testid="import-button">
      Import run…
    </button>
  );
}

/**
 * Import by dropping a file anywhere on the app (an overlay says where it goes) or through the
 * picker: the file is validated by `Debugger.import`, every issue is listed if it is refused, and
 * the app opens the imported run. Mount once, at the app's root.
 */
export function ImportDrop() {
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ImportFailure>();
  const input = useRef<HTMLInputElement>(null);

  const take = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setFailure(undefined);
    const r = await importFile(file);
    setBusy(false);
    if ('runId' in r) openRun(r.runId);
    else setFailure(r.failure);
  };

  const takeRef = useRef(take);
  takeRef.current = take;

  useEffect(() => {
    picker = input.current;
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      void takeRef.current(e.dataTransfer?.files[0]);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      if (picker === input.current) picker = null;
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    void take(e.target.files?.[0]);
    e.target.value = '';
  };

  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        className="sr-only"
        tabIndex={-1}
        aria-label="Import a run export (.afk.json)"
        data-testid="import-file"
        onChange={onPick}
      />
      {over && (
        <div className="import-overlay" data-testid="drop-overlay" aria-live="polite">
          <div className="import-overlay-card">
            <strong>Drop to import the run</strong>
            <span>an .afk.json export: validated, then opened here. Nothing leaves this page.</span>
          </div>
        </div>
      )}
      {busy && (
        <div className="import-toast" role="status">
          Importing…
        </div>
      )}
      {failure && (
        <div className="import-toast is-error" role="alert" data-testid="import-error">
          <div className="import-toast-head">
            <strong>{failure.message}</strong>
            <button
              type="button"
              className="afk-btn"
              onClick={() => setFailure(undefined)}
              aria-label="Dismiss"
            >
              ×
            </button>
          </div>
          <ul data-testid="import-issues">
            {failure.issues.slice(0, 20).map((i) => (
              <li key={i} className="mono">
                {i}
              </li>
            ))}
            {failure.issues.length > 20 && <li>… and {failure.issues.length - 20} more</li>}
          </ul>
        </div>
      )}
    </>
  );
}
