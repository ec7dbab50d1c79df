import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isAfkError } from '../errors/index.js';
import { scripted } from '../llms/providers/scripted.js';
import { tool } from '../tools/tool.js';
import { Agent } from './agent.js';
import { DEFAULT_FAIL_SAFE } from './failsafe.js';

const t = (name: string) => tool({ name, description: name, args: z.object({}), run: () => 1 });

describe('Agent', () => {
  it('reports every config issue at once', () => {
    try {
      new Agent({
        name: 'bad name',
        model: 'nope',
        failSafe: { maxSteps: -1, onLimit: 'explode' as 'fail' },
        modelSettings: { temperature: 9 },
      });
      expect.unreachable();
    } catch (e) {
      expect(isAfkError(e) && e.code).toBe('invalid_config');
      const paths = (e as { issues: Array<{ path: unknown[] }> }).issues.map((i) => i.path.join('.'));
      expect(paths).toEqual(
        expect.arrayContaining([
          'name',
          'model',
          'failSafe.maxSteps',
          'failSafe.onLimit',
          'modelSettings.temperature',
        ]),
      );
      expect((e as Error).message).toMatch(/5 issues/);
    }
  });

  it('refuses duplicate tool names (tools and subagents) at construction', () => {
    expect(() => new Agent({ name: 'a', model: 'scripted:x', tools: [t('x'), t('x')] })).toThrow(
      /duplicate tool name 'x'/,
    );
    const sub = new Agent({ name: 'x', model: 'scripted:x' });
    expect(() => new Agent({ name: 'a', model: 'scripted:x', tools: [t('x')], subagents: [sub] })).toThrow(
      /used by another tool/,
    );
  });

  it('is immutable and fills FailSafe defaults', () => {
    const a = new Agent({ name: 'a', model: scripted([]), failSafe: { maxSteps: 3 } });
    expect(a.failSafe).toEqual({ ...DEFAULT_FAIL_SAFE, maxSteps: 3 });
    expect(Object.isFrozen(a)).toBe(true);
    expect(DEFAULT_FAIL_SAFE).toMatchObject({
      maxSteps: 20,
      maxLlmCalls: 50,
      maxToolCalls: 200,
      maxWallTimeMs: 300_000,
      maxParallelTools: 16,
      maxSubagentDepth: 3,
      maxSubagentFanoutPerStep: 4,
      llmFailurePolicy: 'fail',
      toolFailurePolicy: 'continue',
      subagentFailurePolicy: 'continue',
      approvalDenialPolicy: 'continue',
      onLimit: 'degrade',
      fallbackModels: [],
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
    });
  });
});
