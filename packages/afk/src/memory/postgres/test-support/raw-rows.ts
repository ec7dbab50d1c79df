import type { SqlQueryable } from '../driver.js';

/**
 * Raw row access for the contract suite's corrupt-row tests: puts any JSON object into a table
 * (key and filter columns taken from it where they have the right type, NULL otherwise),
 * bypassing every check of the store, and reads a row's JSON back.
 */

type Col = [column: string, field: string, type: 'text' | 'number'];

const TABLES: Record<string, { table: string; keys: Col[]; cols: Col[] }> = {
  events: {
    table: 'afk_events',
    keys: [
      ['run_id', 'runId', 'text'],
      ['seq', 'seq', 'number'],
    ],
    cols: [],
  },
  snapshots: {
    table: 'afk_snapshots',
    keys: [
      ['run_id', 'runId', 'text'],
      ['seq', 'seq', 'number'],
    ],
    cols: [],
  },
  runs: {
    table: 'afk_runs',
    keys: [['run_id', 'runId', 'text']],
    cols: [
      ['thread_id', 'threadId', 'text'],
      ['status', 'status', 'text'],
      ['started_at', 'startedAt', 'number'],
    ],
  },
  approvals: {
    table: 'afk_approvals',
    keys: [['id', 'id', 'text']],
    cols: [
      ['run_id', 'runId', 'text'],
      ['thread_id', 'threadId', 'text'],
      ['root_run_id', 'rootRunId', 'text'],
      ['status', 'status', 'text'],
      ['created_at', 'createdAt', 'number'],
    ],
  },
  tickets: {
    table: 'afk_tickets',
    keys: [['ticket_id', 'ticketId', 'text']],
    cols: [
      ['run_id', 'runId', 'text'],
      ['thread_id', 'threadId', 'text'],
      ['status', 'status', 'text'],
      ['created_at', 'createdAt', 'number'],
    ],
  },
  threads: { table: 'afk_threads', keys: [['thread_id', 'threadId', 'text']], cols: [] },
};

function spec(name: string) {
  const t = TABLES[name];
  if (!t) throw new Error(`raw-rows: unknown table ${name}`);
  return t;
}

const pick = (row: Record<string, unknown>, [, field, type]: Col) => {
  const v = row[field];
  return type === 'text' ? (typeof v === 'string' ? v : null) : typeof v === 'number' ? v : null;
};

export async function putRawRow(q: SqlQueryable, schema: string, name: string, row: unknown): Promise<void> {
  const t = spec(name);
  const r = row as Record<string, unknown>;
  const keyVals = t.keys.map((c) => pick(r, c));
  const where = t.keys.map(([c], i) => `${c} = $${i + 1}`).join(' AND ');
  await q.query(`DELETE FROM "${schema}".${t.table} WHERE ${where}`, keyVals);
  const cols = [...t.keys, ...t.cols];
  const vals = [...cols.map((c) => pick(r, c)), JSON.stringify(row)];
  const names = [...cols.map(([c]) => c), 'data'];
  const ph = vals.map((_, i) => (i === vals.length - 1 ? `$${i + 1}::json` : `$${i + 1}`));
  await q.query(`INSERT INTO "${schema}".${t.table} (${names.join(', ')}) VALUES (${ph.join(', ')})`, vals);
}

export async function getRawRow(
  q: SqlQueryable,
  schema: string,
  name: string,
  key: unknown,
): Promise<unknown> {
  const t = spec(name);
  const keys = t.keys.length === 1 ? [key] : (key as unknown[]);
  const where = t.keys.map(([c], i) => `${c} = $${i + 1}`).join(' AND ');
  const r = await q.query<{ data: unknown }>(`SELECT data FROM "${schema}".${t.table} WHERE ${where}`, keys);
  return r.rows[0]?.data;
}
