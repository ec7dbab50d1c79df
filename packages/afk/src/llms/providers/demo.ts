import { lastUserText } from '../types.js';
import { type ScriptedClient, scripted } from './scripted.js';

/**
 * The demo model behind `'scripted:<name>'` model strings: a deterministic echo that answers
 * `echo: <last user text>` to every call (no tool calls), streaming it as one delta. Free,
 * offline, instant; meant for quick starts and wiring tests. For scripted tool calls use
 * `scripted([...])` directly.
 *
 * @example
 * const agent = new Agent({ name: 'demo', model: 'scripted:demo' }); // answers "echo: hi" to "hi"
 */
export function echoModel(name = 'demo'): ScriptedClient {
  return scripted((req) => ({ text: `echo: ${lastUserText(req)}` }), { model: name });
}
