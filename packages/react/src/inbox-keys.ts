/** What a key does in the approvals inbox. */
export type InboxKeyAction = 'next' | 'previous' | 'approve' | 'confirm' | 'reject' | 'edit' | 'cancel';

/** One key of the approvals inbox: the `KeyboardEvent.key` it answers to, its label and what it does. */
export interface InboxKey {
  key: string;
  /** How the key is written in help texts (`Esc` for `Escape`). */
  label: string;
  action: InboxKeyAction;
  /** A short phrase for the inbox's own help line. */
  short: string;
  /** What it does, for a shortcut sheet. */
  what: string;
}

/**
 * The approvals inbox's keys — the one table `ApprovalInbox` dispatches on and every help text
 * (the inbox's help line, the devtools app's `?` sheet, the in-page panel's key list) is drawn
 * from, so they cannot drift. None fires while typing in a field, with a modifier held, or as
 * the second key of a `g x` chord.
 *
 * @example
 * APPROVAL_INBOX_KEYS.map((k) => `${k.label}: ${k.what}`);
 */
export const APPROVAL_INBOX_KEYS: readonly InboxKey[] = [
  { key: 'j', label: 'j', action: 'next', short: 'next', what: 'Next approval' },
  { key: 'k', label: 'k', action: 'previous', short: 'previous', what: 'Previous approval' },
  {
    key: 'a',
    label: 'a',
    action: 'approve',
    short: 'approve',
    what: 'Arm approve on the selected approval (with edits when the args were edited and are valid)',
  },
  { key: 'Enter', label: 'Enter', action: 'confirm', short: 'confirm', what: 'Confirm the armed decision' },
  {
    key: 'r',
    label: 'r',
    action: 'reject',
    short: 'reject',
    what: 'Reject: focus the reason (Enter there rejects)',
  },
  { key: 'e', label: 'e', action: 'edit', short: 'edit', what: 'Edit the args (focus the first field)' },
  { key: 'Escape', label: 'Esc', action: 'cancel', short: 'cancel', what: 'Disarm the armed decision' },
];

const BY_KEY: ReadonlyMap<string, InboxKeyAction> = new Map(
  APPROVAL_INBOX_KEYS.map((k) => [k.key, k.action]),
);

/** The inbox action of a `KeyboardEvent.key`, if it has one. */
export function inboxKeyAction(key: string): InboxKeyAction | undefined {
  return BY_KEY.get(key);
}
