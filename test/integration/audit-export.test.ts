/**
 * The audit export: rows from the requests' event trails, CSV (RFC 4180, formula-safe) and JSONL,
 * the date range, progress, and the CLI itself run as a child process against a SQLite store.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import type { RequestEvent } from '../../src/core/request/request.ts';
import { AUDIT_COLUMNS } from '../../src/tools/audit/audit-rows.ts';
import { exportAudit, type AuditFormat } from '../../src/tools/audit/export-audit.ts';
import { createProgress } from '../../src/tools/audit/progress.ts';
import { aCompletedTrail, aRequest, anExecution } from '../support/request-builder.ts';

const REJECT_REASON = 'Wrong amount, "twice" asked\nsee ticket 12';
const FORMULA_REASON = '=HYPERLINK("http://evil.example","open")';

/** The requests the tests export; created in the order A..F, inserted in another. */
function fixtures() {
  const completed = aRequest({
    id: 'R_A_COMPLETED',
    createdAt: '2026-01-05T10:00:00.000Z',
    state: 'completed',
    approverId: 'U_APP',
    attempt: { referenceId: 'ref-1', sessionId: '9001', execution: anExecution({ gatewayMessage: 'Approved, ok' }) },
    // Out of time order in the array, to see that rows are sorted by time.
    events: reorder(aCompletedTrail('2026-01-05T10:00:00.000Z', { gatewayMessage: 'Approved, ok' })),
  });
  const rejectedPayout = aRequest({
    id: 'R_B_REJECTED',
    createdAt: '2026-01-06T09:00:00.000Z',
    details: { kind: 'payout', payoutAccountId: 77, amount: '100.00', currency: 'LRD', reason: 'supplier, March' },
    requesterId: 'U_PAY',
    state: 'rejected',
    events: [
      { type: 'requested', by: 'U_PAY', at: '2026-01-06T09:00:00.000Z' },
      { type: 'rejected', by: 'U_APP', reason: REJECT_REASON, at: '2026-01-06T09:05:00.000Z' },
    ],
  });
  const formula = aRequest({
    id: 'R_C_FORMULA',
    createdAt: '2026-01-07T08:00:00.000Z',
    details: { kind: 'refund', originalPaymentIntentId: 4411, amount: '3.00', reason: '+1 customer asked' },
    state: 'rejected',
    events: [
      { type: 'requested', by: 'U_REQ', at: '2026-01-07T08:00:00.000Z' },
      { type: 'rejected', by: 'U_APP', reason: FORMULA_REASON, at: '2026-01-07T08:01:00.000Z' },
    ],
  });
  const before = aRequest({
    id: 'R_D_BEFORE',
    createdAt: '2025-12-31T23:59:59.999Z',
    events: [{ type: 'requested', by: 'U_REQ', at: '2025-12-31T23:59:59.999Z' }],
  });
  const atUntil = aRequest({
    id: 'R_E_AT_UNTIL',
    createdAt: '2026-02-01T00:00:00.000Z',
    events: [{ type: 'requested', by: 'U_REQ', at: '2026-02-01T00:00:00.000Z' }],
  });
  // Event types this version may not know, and fields on known ones (a comment), render generically.
  const unusual = aRequest({
    id: 'R_F_UNUSUAL',
    createdAt: '2026-01-08T12:00:00.000Z',
    state: 'approved',
    events: [
      { type: 'requested', by: 'U_REQ', at: '2026-01-08T12:00:00.000Z' },
      { type: 'reminded', to: ['U_APP', 'U_APP2'], at: '2026-01-08T13:00:00.000Z' },
      {
        type: 'escalated',
        by: 'U_BOSS',
        note: 'to finance',
        level: 2,
        nested: { ignored: true },
        at: '2026-01-08T14:00:00.000Z',
      },
      { type: 'approved', by: 'U_APP', comment: 'ok, checked', at: '2026-01-08T15:00:00.000Z' },
    ] as unknown as RequestEvent[],
  });
  return { completed, rejectedPayout, formula, before, atUntil, unusual };
}

function reorder(events: RequestEvent[]): RequestEvent[] {
  const [first, second, ...rest] = events;
  return [...rest.reverse(), second!, first!];
}

async function filledStore(url: string): Promise<Store> {
  const store = await createStore(url);
  const f = fixtures();
  for (const request of [f.unusual, f.atUntil, f.formula, f.before, f.completed, f.rejectedPayout])
    await store.insert(request);
  return store;
}

async function exportText(
  store: Store,
  format: AuditFormat,
  range: { since: string; until?: string },
  batchSize?: number,
) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const progress: Array<[number, number]> = [];
  const summary = await exportAudit({
    store,
    since: new Date(range.since),
    until: range.until === undefined ? undefined : new Date(range.until),
    format,
    out,
    batchSize,
    onProgress: (done, total) => progress.push([done, total]),
  });
  return { text: Buffer.concat(chunks).toString('utf8'), summary, progress };
}

/** A strict RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  expect(cell, 'the file ends with CRLF').toBe('');
  return rows;
}

const asObjects = (rows: string[][]) =>
  rows.slice(1).map((cells) => Object.fromEntries(AUDIT_COLUMNS.map((column, i) => [column, cells[i]])));

describe('the audit export', () => {
  let store: Store;
  beforeAll(async () => {
    store = await filledStore('memory://');
  });
  afterAll(() => store.close());

  it('writes one CSV row per event: requests in creation order, events in time order', async () => {
    const { text, summary } = await exportText(store, 'csv', { since: '2026-01-01', until: '2026-02-01' });
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...AUDIT_COLUMNS]);
    const objects = asObjects(rows);
    expect(objects.map((row) => `${row.request_id} ${row.event}`)).toEqual([
      'R_A_COMPLETED requested',
      'R_A_COMPLETED approved',
      'R_A_COMPLETED reference_minted',
      'R_A_COMPLETED session_created',
      'R_A_COMPLETED status',
      'R_A_COMPLETED status',
      'R_B_REJECTED requested',
      'R_B_REJECTED rejected',
      'R_C_FORMULA requested',
      'R_C_FORMULA rejected',
      'R_F_UNUSUAL requested',
      'R_F_UNUSUAL reminded',
      'R_F_UNUSUAL escalated',
      'R_F_UNUSUAL approved',
    ]);
    expect(summary).toEqual({ requests: 4, events: 14 });
    expect(objects.slice(0, 6).map((row) => row.detail)).toEqual([
      'duplicate charge',
      '',
      'reference_id: ref-1',
      'session_id: 9001',
      'PROCESSING; payer 25.50 USD; payee 25.50 USD',
      'COMPLETED; payer 25.50 USD; payee 25.50 USD; gateway: Approved, ok',
    ]);
    expect(objects[5]).toEqual({
      at: '2026-01-05T10:05:00.000Z',
      request_id: 'R_A_COMPLETED',
      operation: 'refund',
      event: 'status',
      by: '',
      detail: 'COMPLETED; payer 25.50 USD; payee 25.50 USD; gateway: Approved, ok',
      amount: '25.50',
      currency: 'USD',
      subject: 'refund:4411',
      requester: 'U_REQ',
      state: 'completed',
      batch_line: '',
    });
    expect(objects[7]).toMatchObject({
      operation: 'payout',
      by: 'U_APP',
      currency: 'LRD',
      subject: 'payout:77',
      requester: 'U_PAY',
      state: 'rejected',
    });
    // A refund Dollr never answered about has no currency yet.
    expect(objects[9]).toMatchObject({ operation: 'refund', currency: '', amount: '3.00' });
    expect(objects.slice(11).map((row) => [row.by, row.detail])).toEqual([
      ['', 'to: U_APP, U_APP2'],
      ['U_BOSS', 'note: to finance; level: 2'],
      ['U_APP', 'comment: ok, checked'],
    ]);
  });

  it('quotes commas, quotes and newlines, and defuses cells a spreadsheet would run as formulas', async () => {
    const { text } = await exportText(store, 'csv', { since: '2026-01-01' });
    expect(text).toContain(`,"${REJECT_REASON.replace(/"/g, '""')}",`);
    expect(text).toContain(`,"'${FORMULA_REASON.replace(/"/g, '""')}",`);
    expect(text).toContain(",'+1 customer asked,");
    const objects = asObjects(parseCsv(text));
    expect(objects.find((row) => row.request_id === 'R_B_REJECTED' && row.event === 'rejected')?.detail).toBe(
      REJECT_REASON,
    );
    expect(objects.find((row) => row.request_id === 'R_B_REJECTED' && row.event === 'requested')?.detail).toBe(
      'supplier, March',
    );
    expect(objects.find((row) => row.request_id === 'R_C_FORMULA' && row.event === 'rejected')?.detail).toBe(
      `'${FORMULA_REASON}`,
    );
    for (const cell of parseCsv(text).flat()) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it('writes JSONL with the same fields, the text exactly as typed', async () => {
    const csv = asObjects(
      parseCsv((await exportText(store, 'csv', { since: '2026-01-01', until: '2026-02-01' })).text),
    );
    const { text, summary } = await exportText(store, 'jsonl', { since: '2026-01-01', until: '2026-02-01' });
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    const objects = lines.map((line) => JSON.parse(line) as Record<string, string>);
    expect(objects).toHaveLength(summary.events);
    expect(Object.keys(objects[0]!)).toEqual([...AUDIT_COLUMNS]);
    expect(objects.find((row) => row.request_id === 'R_B_REJECTED' && row.event === 'rejected')?.detail).toBe(
      REJECT_REASON,
    );
    // The formula guard is for spreadsheets; JSON keeps the text as it was typed.
    expect(objects.find((row) => row.request_id === 'R_C_FORMULA' && row.event === 'rejected')?.detail).toBe(
      FORMULA_REASON,
    );
    expect(objects.filter((row) => row.request_id !== 'R_C_FORMULA')).toEqual(
      csv.filter((row) => row.request_id !== 'R_C_FORMULA'),
    );
  });

  it('selects requests by creation time: since inclusive (UTC day start), until exclusive', async () => {
    const ids = async (since: string, until?: string) => {
      const { text } = await exportText(store, 'jsonl', { since, until });
      return [
        ...new Set(
          text
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => (JSON.parse(line) as { request_id: string }).request_id),
        ),
      ];
    };
    expect(await ids('2025-12-31', '2026-01-01')).toEqual(['R_D_BEFORE']);
    expect(await ids('2026-01-06', '2026-01-08')).toEqual(['R_B_REJECTED', 'R_C_FORMULA']);
    expect(await ids('2026-02-01')).toEqual(['R_E_AT_UNTIL']);
    expect(await ids('2026-03-01')).toEqual([]);
    const { text } = await exportText(store, 'csv', { since: '2026-03-01' });
    expect(text).toBe(`${AUDIT_COLUMNS.join(',')}\r\n`);
  });

  it('reads in batches and reports progress after each', async () => {
    const { summary, progress } = await exportText(store, 'csv', { since: '2025-01-01' }, 2);
    expect(summary).toEqual({ requests: 6, events: 16 });
    expect(progress).toEqual([
      [2, 6],
      [4, 6],
      [6, 6],
    ]);
  });
});

describe('progress on stderr', () => {
  const run = (total: number, tty: boolean, steps: Array<[atMs: number, done: number]>) => {
    let now = 0;
    const written: string[] = [];
    const progress = createProgress({ write: (text) => written.push(text), tty, now: () => now });
    for (const [at, done] of steps) {
      now = at;
      progress.update(done, total);
    }
    progress.finish();
    return written;
  };

  it('says nothing for a short export', () => {
    expect(
      run(400, false, [
        [100, 200],
        [300, 400],
      ]),
    ).toEqual([]);
  });

  it('reports a large export at most once a second', () => {
    expect(
      run(5000, false, [
        [100, 200],
        [600, 400],
        [1200, 1200],
        [1900, 2000],
        [2300, 5000],
      ]),
    ).toEqual([
      'exported 200/5000 requests (4%)\n',
      'exported 1200/5000 requests (24%)\n',
      'exported 5000/5000 requests (100%)\n',
    ]);
  });

  it('reports a slow export once it passes a second, rewriting the line on a terminal', () => {
    expect(
      run(600, true, [
        [500, 200],
        [1500, 400],
        [1800, 600],
      ]),
    ).toEqual(['\r\x1b[Kexported 400/600 requests (66%)', '\n']);
  });
});

describe('npm run audit:export (the CLI, as a child process)', () => {
  let dir = '';
  let storeUrl = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dollr-audit-'));
    storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
    await (await filledStore(storeUrl)).close();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cli = (args: string[], env: Record<string, string> = { STORE_URL: storeUrl }) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['src/tools/audit-export.ts', ...args], {
        cwd: process.cwd(),
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('exports CSV to stdout and says what it did on stderr', async () => {
    const { code, stdout, stderr } = await cli(['--since', '2026-01-01', '--until', '2026-02-01', '--format', 'csv']);
    expect(stderr).toBe('exported 14 events from 4 requests to stdout\n');
    expect(code).toBe(0);
    const rows = parseCsv(stdout);
    expect(rows[0]).toEqual([...AUDIT_COLUMNS]);
    expect(rows).toHaveLength(15);
    expect(asObjects(rows).find((row) => row.event === 'rejected' && row.request_id === 'R_B_REJECTED')?.detail).toBe(
      REJECT_REASON,
    );
  });

  it('exports JSONL to a file given with --out', async () => {
    const out = join(dir, 'audit.jsonl');
    const { code, stdout, stderr } = await cli(['--since', '2026-01-01', '--format', 'jsonl', '--out', out]);
    expect(stderr).toBe(`exported 15 events from 5 requests to ${out}\n`);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { request_id: string }).request_id).at(-1)).toBe('R_E_AT_UNTIL');
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('refuses bad arguments with the usage and exit code 2', async () => {
    for (const args of [
      [],
      ['--since', '2026-02-30'],
      ['--since', '2026-01-01', '--format', 'xlsx'],
      ['--since', '2026-01-01', '--bogus'],
    ]) {
      const { code, stdout, stderr } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toContain('Usage: npm run audit:export -- --since YYYY-MM-DD');
      expect(stdout).toBe('');
    }
    expect((await cli([])).stderr).toContain('audit-export: --since is required.');
  });

  it('exits 1 with a clear message when there is no store to read', async () => {
    const missing = join(dir, 'missing.sqlite');
    const { code, stderr } = await cli(['--since', '2026-01-01'], { STORE_URL: `sqlite://${missing}` });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `audit-export: There is no store at ${missing}. ` +
        "Set STORE_URL (or run from the app's directory) to export the app's store.\n",
    );
    expect(existsSync(missing)).toBe(false);
  });
});

describe('the audit export of transfers and batches', () => {
  it("names a transfer's currency and counterparty, and each batch line's batch", async () => {
    const store = await createStore('memory://');
    const at = '2026-03-02T10:00:00.000Z';
    await store.insert(
      aRequest({
        id: 'R_TRANSFER',
        createdAt: at,
        details: { kind: 'transfer', counterpartyId: 21, amount: '250.00', currency: 'USD', reason: 'freight' },
        events: [{ type: 'requested', by: 'U_REQ', at }],
      }),
    );
    await store.insert(
      aRequest({
        id: 'R_BATCH-7',
        createdAt: at,
        details: { kind: 'refund', originalPaymentIntentId: 4426, amount: '12.50', reason: 'incident 7' },
        state: 'approved',
        batchOf: { id: 'R_BATCH', line: 7 },
        events: [
          { type: 'requested', by: 'U_REQ', at },
          { type: 'approved', by: 'U_APP', at },
        ],
      }),
    );
    const { text } = await exportText(store, 'csv', { since: '2026-03-01' });
    const rows = asObjects(parseCsv(text));
    expect(rows.find((r) => r.request_id === 'R_TRANSFER')).toMatchObject({
      operation: 'transfer',
      currency: 'USD',
      subject: 'transfer:21',
      batch_line: '',
    });
    expect(rows.filter((r) => r.request_id === 'R_BATCH-7').map((r) => [r.event, r.subject, r.batch_line])).toEqual([
      ['requested', 'refund:4426', 'R_BATCH#7'],
      ['approved', 'refund:4426', 'R_BATCH#7'],
    ]);
    await store.close();
  });
});
