import { isRedactedKey, normaliseRedactKey } from '../../internal/redact.js';

type DeltaHost = {
  publishDelta(
    type: 'tool_input_delta',
    delta: string,
    extra?: { toolName?: string; toolCallId?: string },
  ): void;
};

interface CallText {
  /** The last characters seen, enough to find a key name split across deltas. */
  tail: string;
  withheld: boolean;
}

/**
 * The stream's `tool_input_delta` events of one model stream: the raw JSON text of the arguments
 * as it arrives, except that once a call's text contains a redacted key name (normalised as in
 * `redact`: `"api_key"` matches `apiKey`), that call's deltas are no longer published: its
 * values never reach a subscriber. Conservative by design: the name anywhere in the text (a value
 * saying "password" too) stops the deltas; the tool call itself is unaffected.
 *
 * @example
 * const deltas = new ToolInputDeltas(config.redactKeys);
 * for await (const chunk of stream) if (chunk.type === 'tool_call_delta') deltas.publish(host, chunk);
 */
export class ToolInputDeltas {
  private readonly calls = new Map<number, CallText>();
  private readonly window: number;

  constructor(private readonly keys: readonly string[]) {
    // A raw key name may carry separators the normal form drops: twice the longest, plus quotes.
    this.window = 2 * Math.max(0, ...keys.map((k) => normaliseRedactKey(k).length)) + 8;
  }

  publish(host: DeltaHost, chunk: { index: number; id?: string; name?: string; argsDelta: string }): void {
    let c = this.calls.get(chunk.index);
    if (!c) {
      c = { tail: '', withheld: false };
      this.calls.set(chunk.index, c);
    }
    if (c.withheld) return;
    const seen = c.tail + chunk.argsDelta;
    if (isRedactedKey(seen, this.keys)) {
      c.withheld = true;
      return;
    }
    c.tail = seen.slice(-this.window);
    host.publishDelta('tool_input_delta', chunk.argsDelta, {
      ...(chunk.name ? { toolName: chunk.name } : {}),
      ...(chunk.id ? { toolCallId: chunk.id } : {}),
    });
  }
}
