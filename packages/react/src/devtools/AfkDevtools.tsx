import type { Runner } from 'afk/core';
import type { MemoryStore } from 'afk/memory';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useAfkOptional } from '../context.js';
import { isProductionBuild } from './env.js';
import { readOpen, writeOpen } from './open-state.js';
import type { DevtoolsAgents } from './panel-agents.js';
import { TOGGLE_CSS } from './toggle-css.js';

/** Which corner the toggle button sits in; the drawer opens along that edge (top or bottom). */
export type DevtoolsPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

export interface AfkDevtoolsProps {
  /** Open on the first visit; after that the remembered state wins. Default `false`. */
  initialIsOpen?: boolean;
  /** Corner of the toggle button. Default `'bottom-right'`. */
  position?: DevtoolsPosition;
  /** Render even in a production build. Default: `true` in development, `false` in production. */
  enabled?: boolean;
  /** The store to show. Default: the enclosing `AfkProvider`'s store. */
  store?: MemoryStore;
  /** The runner (for deciding approvals and resuming runs). Default: the enclosing `AfkProvider`'s. */
  runner?: Runner;
  /**
   * The agents the panel may continue a run with after its last approval is decided there (by
   * the run's `agentName`: a map or a function). Default none: a decision is only recorded, and
   * the app resumes the run itself.
   */
  agents?: DevtoolsAgents;
}

/** The panel body: fetched with a dynamic import() the first time the panel opens. */
const DevtoolsPanel = lazy(() => import('./DevtoolsPanel.js'));

/**
 * A floating devtools panel any app mounts in one line: a small toggle button, `ctrl+shift+a`,
 * the open state remembered across reloads, everything rendered in a shadow root with its own
 * styles (nothing leaks in or out), and the panel itself loaded only when first opened. Renders
 * nothing in a production build unless `enabled`.
 *
 * @example
 * <AfkProvider store={store} runner={runner}>
 *   <App />
 *   <AfkDevtools agents={{ mailer }} />
 * </AfkProvider>
 */
export function AfkDevtools(props: AfkDevtoolsProps) {
  if (!(props.enabled ?? !isProductionBuild())) return null;
  return <DevtoolsShell {...props} />;
}

function DevtoolsShell({
  initialIsOpen = false,
  position = 'bottom-right',
  store,
  runner,
  agents,
}: AfkDevtoolsProps) {
  const ctx = useAfkOptional();
  const shadow = useShadowRoot();
  const [open, setOpen] = useState(() => readOpen(initialIsOpen));
  const [loaded, setLoaded] = useState(open);
  const toggle = useCallback(() => setOpen((o) => !o), []);

  useEffect(() => {
    writeOpen(open);
    if (open) setLoaded(true);
  }, [open]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && (e.code === 'KeyA' || e.key === 'A')) {
        e.preventDefault();
        toggle();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle]);

  if (!shadow) return null;
  const edge = position.startsWith('top') ? 'top' : 'bottom';
  const resolvedStore = store ?? ctx?.store;
  const resolvedRunner = runner ?? ctx?.runner;
  return createPortal(
    <>
      <style>{TOGGLE_CSS}</style>
      {!open && (
        <button
          type="button"
          className={`afk-dt-toggle afk-dt-${position}`}
          aria-label="Open AFK devtools (ctrl+shift+a)"
          aria-expanded={false}
          title="AFK devtools (ctrl+shift+a)"
          data-testid="afk-devtools-toggle"
          onClick={toggle}
        >
          <span className="afk-dt-dot" aria-hidden="true" />
          AFK
        </button>
      )}
      {loaded && (
        <Suspense
          fallback={
            <div className="afk-dt-loading" style={{ [edge]: 0 }}>
              Loading AFK devtools…
            </div>
          }
        >
          <DevtoolsPanel
            open={open}
            edge={edge}
            store={resolvedStore}
            runner={resolvedRunner}
            agents={agents}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      )}
    </>,
    shadow,
  );
}

/** A `<afk-devtools>` element on `document.body` with an open shadow root, removed on unmount. */
function useShadowRoot(): ShadowRoot | undefined {
  const [root, setRoot] = useState<ShadowRoot>();
  useEffect(() => {
    const host = document.createElement('afk-devtools');
    // Inline, so it beats any host rule that matches the element: no inherited fonts or colours.
    host.setAttribute('style', 'all: initial');
    document.body.append(host);
    setRoot(host.attachShadow({ mode: 'open' }));
    return () => host.remove();
  }, []);
  return root;
}

export type { DevtoolsAgents } from './panel-agents.js';
