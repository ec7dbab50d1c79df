/** Attributes on spans and metrics. */
export type TelemetryAttributes = Record<string, string | number | boolean | undefined>;

export interface TelemetrySpan {
  readonly name: string;
  setAttribute(key: string, value: string | number | boolean): void;
  end(status?: { ok: boolean; error?: string }): void;
}

/**
 * Where the runner reports spans (run, llm call, tool call), counters and histograms. Plug an
 * OpenTelemetry exporter behind it; `InMemoryTelemetry` and `ConsoleTelemetry` ship with AFK.
 */
export interface TelemetrySink {
  startSpan(name: string, attributes?: TelemetryAttributes, parent?: TelemetrySpan): TelemetrySpan;
  counter(name: string, value?: number, attributes?: TelemetryAttributes): void;
  histogram(name: string, value: number, attributes?: TelemetryAttributes): void;
}

export interface RecordedSpan {
  name: string;
  parent?: string;
  attributes: Record<string, string | number | boolean>;
  startMs: number;
  endMs?: number;
  ok?: boolean;
  error?: string;
}

/**
 * Keeps every span and metric in memory: for tests and the devtools.
 *
 * @example
 * const telemetry = new InMemoryTelemetry();
 * await new Runner({ telemetry }).run(agent, { userMessage: 'hi' });
 * telemetry.spans.filter((s) => s.name === 'afk.tool');
 */
export class InMemoryTelemetry implements TelemetrySink {
  readonly spans: RecordedSpan[] = [];
  readonly counters = new Map<string, number>();
  readonly histograms = new Map<string, number[]>();

  startSpan(name: string, attributes: TelemetryAttributes = {}, parent?: TelemetrySpan): TelemetrySpan {
    const rec: RecordedSpan = {
      name,
      attributes: clean(attributes),
      startMs: now(),
      ...(parent ? { parent: parent.name } : {}),
    };
    this.spans.push(rec);
    return {
      name,
      setAttribute: (k, v) => {
        rec.attributes[k] = v;
      },
      end: (status) => {
        rec.endMs = now();
        rec.ok = status?.ok ?? true;
        if (status?.error) rec.error = status.error;
      },
    };
  }

  counter(name: string, value = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + value);
  }

  histogram(name: string, value: number): void {
    const list = this.histograms.get(name);
    if (list) list.push(value);
    else this.histograms.set(name, [value]);
  }
}

/** Logs span ends and metrics with `console.debug` (or a custom log function). */
export class ConsoleTelemetry implements TelemetrySink {
  constructor(private readonly log: (line: string) => void = (l) => console.debug(l)) {}

  startSpan(name: string, attributes: TelemetryAttributes = {}): TelemetrySpan {
    const start = now();
    const attrs = clean(attributes);
    return {
      name,
      setAttribute: (k, v) => {
        attrs[k] = v;
      },
      end: (status) => {
        this.log(
          `[afk] span ${name} ${(now() - start).toFixed(1)}ms ${status?.ok === false ? `error=${status.error ?? ''}` : 'ok'} ${JSON.stringify(attrs)}`,
        );
      },
    };
  }

  counter(name: string, value = 1, attributes: TelemetryAttributes = {}): void {
    this.log(`[afk] counter ${name} +${value} ${JSON.stringify(clean(attributes))}`);
  }

  histogram(name: string, value: number, attributes: TelemetryAttributes = {}): void {
    this.log(`[afk] histogram ${name} ${value} ${JSON.stringify(clean(attributes))}`);
  }
}

function clean(a: TelemetryAttributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out[k] = v;
  return out;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
