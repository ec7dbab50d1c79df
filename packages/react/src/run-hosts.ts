/**
 * Which browser tab hosts a run: the tab that started (or resumed) a run keeps a Web Lock named
 * `afk-host:<scope>:<runId>` while the run is live or paused in it, so a decision made in another
 * tab leaves the continuation to it ("running in another tab") instead of racing it. The runner's
 * own lease (`afk-run:<scope>:<runId>`, held while the run executes) counts as well. Without Web
 * Locks (Node, old browsers) nothing is hosted elsewhere and every tab may resume; the runner's
 * lease still keeps one writer per run.
 *
 * @example
 * const hosts = new RunHosts({ scope: 'afk-devtools' });
 * hosts.claim(runId);                               // this tab continues runId
 * if (await hosts.hostedElsewhere(runId)) showNotice('running in another tab');
 */
export class RunHosts {
  readonly scope: string;
  private readonly locks: LockManager | undefined;
  private readonly held = new Map<string, () => void>();

  constructor(opts: { scope: string; locks?: LockManager }) {
    this.scope = opts.scope;
    this.locks =
      opts.locks ?? (typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined);
  }

  /** This tab hosts `runId` until `release` (or until the tab closes). Claiming twice is a no-op. */
  claim(runId: string): void {
    if (this.held.has(runId)) return;
    let free: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      free = resolve;
    });
    this.held.set(runId, free);
    // Waits behind another tab's claim (its lock is freed when it releases or closes).
    this.locks?.request(this.hostLock(runId), () => released).catch(() => this.held.delete(runId));
  }

  /** This tab no longer hosts `runId`. */
  release(runId: string): void {
    this.held.get(runId)?.();
    this.held.delete(runId);
  }

  /** True when this tab claimed `runId`. */
  hostsHere(runId: string): boolean {
    return this.held.has(runId);
  }

  /** True when another tab hosts `runId` or executes it (holds the runner's lease on it). */
  async hostedElsewhere(runId: string): Promise<boolean> {
    if (!this.locks || this.held.has(runId)) return false;
    const names = new Set([this.hostLock(runId), `afk-run:${this.scope}:${runId}`]);
    const snapshot = await this.locks.query();
    return (snapshot.held ?? []).some((l) => l.name !== undefined && names.has(l.name));
  }

  private hostLock(runId: string): string {
    return `afk-host:${this.scope}:${runId}`;
  }
}
