import { extractJson } from '../internal/extract-json.js';
import type { LLMResponse } from '../llms/types.js';
import { RunEnd } from './run-end.js';
import type { ModelHost } from './run-types.js';

/**
 * Structured output: validates the final answer with the agent's schema; asks for a repair up to
 * twice. Returns true when a repair was requested (the loop calls the model again).
 */
export async function checkStructuredOutput(host: ModelHost, response: LLMResponse): Promise<boolean> {
  const schema = host.agent.outputSchema;
  if (!schema) return false;
  let value: unknown = response.structured;
  let problem: string | undefined;
  if (value === undefined) {
    // The JSON may follow prose, sit in a fenced block, or be the whole answer.
    const found = extractJson(response.text);
    if (found) value = found.value;
    else problem = 'no JSON object found in the answer';
  }
  if (!problem) {
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      host.state.finalStructured = parsed.data;
      return false;
    }
    problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  }
  if (host.repairs >= 2) {
    throw new RunEnd('failed', {
      code: 'structured_output_invalid',
      message: `final output does not match the output schema after ${host.repairs + 1} attempts: ${problem}`,
    });
  }
  host.repairs++;
  host.emit('warning', { code: 'structured_output_repair', message: problem }, host.state.step);
  // The repair request is part of the transcript, as a user turn.
  host.emit(
    'message_added',
    {
      reason: 'structured_output_repair',
      message: {
        role: 'user',
        content: `Your previous answer did not match the required JSON schema (${problem}). Reply again with only valid JSON.`,
      },
    },
    host.state.step,
  );
  return true;
}
