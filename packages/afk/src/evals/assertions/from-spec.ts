import type { Assertion } from '../models/assertion.js';
import type { AssertionSpec } from '../models/assertion-spec.js';
import { costAtMost, latencyAtMost, stepsAtMost, tokensAtMost } from './budget.js';
import { eventTypes } from './golden.js';
import { llmJudge } from './judge.js';
import {
  completed,
  finalTextContains,
  finalTextEquals,
  finalTextMatches,
  outputMatchesSchema,
} from './text.js';
import { toolCalled, toolNotCalled, toolSequence } from './tools.js';

const opt = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [key]: v } as Record<K, V>);

/**
 * The assertion a JSON spec names (`{ type: 'toolCalled', name: 'search' }` → `toolCalled('search')`);
 * an assertion object passes through.
 *
 * @example
 * const a = toAssertion({ type: 'finalTextContains', text: 'Paris' });
 */
export function toAssertion(a: Assertion | AssertionSpec): Assertion {
  if (!('type' in a)) return a;
  switch (a.type) {
    case 'completed':
      return completed();
    case 'finalTextContains':
      return finalTextContains(a.text, opt('caseSensitive', a.caseSensitive));
    case 'finalTextEquals':
      return finalTextEquals(a.text, opt('trim', a.trim));
    case 'finalTextMatches':
      return finalTextMatches(a.pattern, a.flags);
    case 'outputMatchesSchema':
      return outputMatchesSchema(a.schema);
    case 'toolCalled':
      return toolCalled(a.name, a.args, {
        ...opt('partial', a.partial),
        ...opt('ignoreKeys', a.ignoreKeys),
        ...opt('times', a.times),
      });
    case 'toolNotCalled':
      return toolNotCalled(a.name);
    case 'toolSequence':
      return toolSequence(a.names, opt('mode', a.mode));
    case 'eventTypes':
      return eventTypes(a.golden, opt('update', a.update));
    case 'costAtMost':
      return costAtMost(a.usd);
    case 'tokensAtMost':
      return tokensAtMost(a.tokens);
    case 'stepsAtMost':
      return stepsAtMost(a.steps);
    case 'latencyAtMost':
      return latencyAtMost(a.ms);
    case 'llmJudge':
      return llmJudge({ rubric: a.rubric, model: a.model, ...opt('threshold', a.threshold) });
  }
}
