import { request } from 'node:http';

/** One server-sent event as a page receives it. */
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/**
 * A Node client of the bridge's event stream: collects events and waits (bounded) for the
 * ones a test expects. `status` and `headers` are those of the response.
 */
export class SseClient {
  events: SseEvent[] = [];
  status = 0;
  private buf = '';
  private waiters: Array<() => void> = [];
  private req: ReturnType<typeof request> | undefined;
  readonly ready: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ready = new Promise((resolve, reject) => {
      this.req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        this.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (d: string) => this.feed(d));
        res.on('end', () => this.wake());
        resolve();
      });
      this.req.on('error', reject);
      this.req.end();
    });
  }

  private feed(d: string): void {
    this.buf += d;
    for (let i = this.buf.indexOf('\n\n'); i >= 0; i = this.buf.indexOf('\n\n')) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      const ev: SseEvent = { event: 'message', data: '' };
      let any = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const [k, ...rest] = line.split(': ');
        const v = rest.join(': ');
        if (k === 'event') ev.event = v;
        else if (k === 'id') ev.id = v;
        else if (k === 'data') {
          ev.data = v;
          any = true;
        }
      }
      if (any) this.events.push(ev);
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  of(event: string): SseEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Waits until `n` events of type `event` arrived (at most `ms`). */
  async waitFor(event: string, n = 1, ms = 10_000): Promise<SseEvent[]> {
    const deadline = Date.now() + ms;
    while (this.of(event).length < n) {
      if (Date.now() > deadline)
        throw new Error(`waited ${ms} ms for ${n} '${event}' event(s); got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.of(event);
  }

  close(): void {
    this.req?.destroy();
  }
}
