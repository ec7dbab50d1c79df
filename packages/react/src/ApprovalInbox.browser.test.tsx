import type { ApprovalRequest } from 'afk/core';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { ApprovalInbox } from './ApprovalInbox.js';
import { AfkProvider } from './context.js';
import { pausedRuns, sent } from './test-support/approval-fixtures.js';
import './styles.css';

let container: HTMLDivElement;
let root: Root;

beforeEach(() => {
  sent.length = 0;
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  root?.unmount();
  container.remove();
});

async function mountInbox(n: number) {
  const fx = await pausedRuns(n);
  root = createRoot(container);
  root.render(
    <AfkProvider store={fx.store} runner={fx.runner}>
      <ApprovalInbox resume={fx.resume} shortcuts="document" />
    </AfkProvider>,
  );
  await expect.poll(() => container.querySelectorAll('[data-testid="approval-item"]').length).toBe(n);
  return fx;
}

const q = <T extends HTMLElement = HTMLElement>(sel: string, from: ParentNode = container) =>
  from.querySelector<T>(sel);
const card = (i = 0) =>
  container.querySelectorAll<HTMLElement>('[data-testid="approval-item"]')[i] as HTMLElement;
const arg = <T extends HTMLElement = HTMLInputElement>(name: string, i = 0) =>
  q<T>(`[data-testid="arg-${name}"]`, card(i)) as T;

describe('ApprovalInbox', () => {
  it('builds the args form from the tool schema, with the tool and its description', async () => {
    await mountInbox(1);
    expect(q('[data-testid="approvals-count-pending"]')?.textContent).toBe('1');
    expect(q('[data-testid="tool-description"]')?.textContent).toContain('Send an invoice to a customer');
    expect(card().querySelector('h3')?.textContent).toBe('send_invoice');
    expect(arg('to').type).toBe('email');
    expect(arg('to').value).toBe('ada0@example.com');
    expect(arg('amount').type).toBe('number');
    expect(arg('copies').step).toBe('1');
    expect(arg('urgent').type).toBe('checkbox');
    const currency = arg<HTMLSelectElement>('currency');
    expect(currency.tagName).toBe('SELECT');
    expect([...currency.options].map((o) => o.value)).toEqual(['EUR', 'USD']);
    // An array of objects falls back to a JSON editor for that field.
    const lines = arg<HTMLTextAreaElement>('lines');
    expect(lines.tagName).toBe('TEXTAREA');
    expect(JSON.parse(lines.value)).toEqual([{ item: 'widget', qty: 2 }]);
    expect(q('[data-testid="edited-marker"]')).toBeNull();
  });

  it('blocks an invalid edit with the reason inline, then sends the fixed one and the run gets it', async () => {
    const fx = await mountInbox(1);
    await userEvent.clear(arg('copies'));
    await userEvent.type(arg('copies'), '9');
    await expect
      .poll(() => q('[data-field="copies"] [data-testid="field-error"]')?.textContent ?? '')
      .toMatch(/5/);
    expect(q('[data-testid="edited-marker"]')?.textContent).toBe('⚠ edited: copies');
    expect(q<HTMLButtonElement>('[data-testid="approve-edited-button"]')?.disabled).toBe(true);
    expect(q('[data-testid="approve-button"]')).toBeNull();

    // The JSON view carries the same edit; unreadable JSON is reported, not sent.
    await userEvent.click(q('[data-testid="json-toggle"]') as HTMLElement);
    const json = q<HTMLTextAreaElement>('[data-testid="args-json"]') as HTMLTextAreaElement;
    expect(JSON.parse(json.value).copies).toBe(9);
    await userEvent.fill(json, '{ "to": ');
    await expect.poll(() => q('[data-testid="args-error"]')?.textContent ?? '').toContain('Not valid JSON');
    expect(q<HTMLButtonElement>('[data-testid="approve-edited-button"]')?.disabled).toBe(true);
    const fixed = {
      to: 'grace@example.com',
      amount: 99,
      copies: 2,
      urgent: true,
      currency: 'USD',
      note: 'n',
      lines: [],
    };
    await userEvent.fill(json, JSON.stringify(fixed));
    await expect.poll(() => q('[data-testid="args-error"]')).toBeNull();
    await userEvent.click(q('[data-testid="json-toggle"]') as HTMLElement);
    expect(arg('to').value).toBe('grace@example.com');
    expect(q<HTMLButtonElement>('[data-testid="approve-edited-button"]')?.disabled).toBe(false);

    await userEvent.click(q('[data-testid="approve-edited-button"]') as HTMLElement);
    await expect
      .poll(() => q('[data-testid="decision-notice"]')?.textContent ?? '')
      .toContain('Resumed here; the run is completed');
    expect(sent).toEqual([fixed]);
    const [row] = await fx.runner.listApprovals({ runId: fx.runIds[0] as string });
    expect(row?.status).toBe('edited');
    expect(q('[data-testid="approvals-count-decided"]')?.textContent).toBe('1');
  });

  it('moves with j/k, approves with a + Enter, rejects with r (reason focused), never while typing', async () => {
    const fx = await mountInbox(2);
    const selected = () => container.querySelector('[data-testid="approval-item"][aria-current="true"]');
    await userEvent.keyboard('j');
    expect(selected()).toBe(card(0));
    await userEvent.keyboard('j');
    expect(selected()).toBe(card(1));
    await userEvent.keyboard('k');
    expect(selected()).toBe(card(0));

    // a arms, Enter confirms.
    await userEvent.keyboard('a');
    expect(q('[data-testid="armed-hint"]', card(0))?.textContent).toContain('Enter to approve');
    const first = card(0).dataset.approvalId;
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => q('[data-testid="decision-notice"]')?.textContent ?? '').toContain('completed');
    const rows = await fx.runner.listApprovals({});
    expect(rows.find((r: ApprovalRequest) => r.id === first)?.decision).toEqual({
      kind: 'approve',
      scope: 'once',
    });

    // r focuses the reason; keys typed there are text, not shortcuts.
    await userEvent.keyboard('j');
    expect(selected()).toBe(card(0));
    await userEvent.keyboard('r');
    const reason = q<HTMLInputElement>('[data-testid="reject-reason"]', card(0)) as HTMLInputElement;
    expect(document.activeElement).toBe(reason);
    await userEvent.keyboard('jk wrong amount');
    expect(reason.value).toBe('jk wrong amount');
    expect(selected()).toBe(card(0));
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => q('[data-testid="approvals-count-pending"]')?.textContent).toBe('0');
    const all = await fx.runner.listApprovals({});
    expect(all.map((r) => r.status).sort()).toEqual(['approved', 'rejected']);
    expect(all.find((r) => r.status === 'rejected')?.decision).toEqual({
      kind: 'reject',
      reason: 'jk wrong amount',
    });
    expect(sent).toHaveLength(1);
  });

  it('"always for this tool" is recorded as such; decided and expired requests get their own tabs', async () => {
    const fx = await mountInbox(2);
    await userEvent.click(q('[data-testid="approve-always-button"]', card(0)) as HTMLElement);
    await expect.poll(() => q('[data-testid="approvals-count-decided"]')?.textContent).toBe('1');
    const [pending] = await fx.runner.listApprovals({ status: 'pending' });
    await fx.store.write({
      approvals: [{ ...(pending as ApprovalRequest), status: 'expired', decidedAt: Date.now() }],
    });
    await expect.poll(() => q('[data-testid="approvals-count-expired"]')?.textContent).toBe('1');
    expect(q('[data-testid="approvals-empty"]')?.textContent).toContain('Nothing waits for a decision');

    await userEvent.click(q('[data-testid="approvals-tab-decided"]') as HTMLElement);
    await expect
      .poll(() => q('[data-testid="approval-decision"]')?.textContent ?? '')
      .toContain('always for this tool');
    await expect
      .poll(() => q<HTMLAnchorElement>('[data-testid="approval-span-link"]')?.getAttribute('href') ?? '')
      .toMatch(/^#\/runs\/.+\/span\/.+%3Aapproval%3A\d+$/);
    await userEvent.click(q('[data-testid="approvals-tab-expired"]') as HTMLElement);
    await expect.poll(() => card(0)?.dataset.status).toBe('expired');
    expect(q('[data-testid="approval-decision"]')?.textContent).toContain('expired without a decision');
    expect(q('[data-testid="approve-button"]')).toBeNull();
  });
  it('a decision another process refuses shows its reason beside the card, which still waits; a retry clears it', async () => {
    const fx = await pausedRuns(1);
    let answer: { code: string; message: string } | undefined = {
      code: 'approval_stale',
      message: 'the Node process refused it: approval was already decided (rejected)',
    };
    const calls: string[] = [];
    root = createRoot(container);
    root.render(
      <AfkProvider store={fx.store} runner={fx.runner}>
        <ApprovalInbox
          remote={{
            ownerOf: () => 'the Node process (test)',
            decide: async (a) => {
              calls.push(a.id);
              if (answer) throw Object.assign(new Error(answer.message), { code: answer.code });
            },
          }}
        />
      </AfkProvider>,
    );
    await expect.poll(() => container.querySelectorAll('[data-testid="approval-item"]').length).toBe(1);
    await userEvent.click(q('[data-testid="approve-button"]', card()) as HTMLElement);
    await expect.poll(() => q('[data-testid="decision-refusal"]')?.dataset.code).toBe('approval_stale');
    const refusal = q('[data-testid="decision-refusal"]') as HTMLElement;
    expect(refusal.getAttribute('role')).toBe('alert');
    expect(refusal.dataset.approvalId).toBe(card().dataset.approvalId);
    expect(refusal.textContent).toContain('Not decided here — the Node process had moved on');
    expect(refusal.textContent).toContain('already decided (rejected)');
    // Right under its card, and the card still waits (nothing was decided here).
    expect(card().nextElementSibling).toBe(refusal);
    expect(card().dataset.status).toBe('pending');
    expect(q('[data-testid="approvals-count-pending"]')?.textContent).toBe('1');

    answer = undefined;
    await userEvent.click(q('[data-testid="approve-button"]', card()) as HTMLElement);
    await expect
      .poll(() => q('[data-testid="decision-notice"]')?.textContent)
      .toBe('Decided; the Node process (test) resumes it.');
    expect(q('[data-testid="decision-refusal"]')).toBeNull();
    expect(calls).toHaveLength(2);
  });
});
