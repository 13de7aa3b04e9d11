/**
 * Writes the audit trail of the requests created in [since, until) to a stream: requests in creation
 * order (the store's index), each one's events in time order, in batches so that memory stays flat
 * however long the range.
 */
import type { Writable } from 'node:stream';
import type { RequestStore } from '../../core/ports.ts';
import type { MoneyRequest } from '../../core/request/request.ts';
import { auditRows } from './audit-rows.ts';
import { csvHeader, csvRow } from './write-csv.ts';
import { jsonlRow } from './write-jsonl.ts';

export const AUDIT_FORMATS = ['csv', 'jsonl'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const DEFAULT_BATCH_SIZE = 200;

export interface ExportAuditOptions {
  store: RequestStore;
  /** Inclusive. */
  since: Date;
  /** Exclusive; no end when undefined. */
  until?: Date;
  format: AuditFormat;
  out: Writable;
  /** Requests read at a time; default 200. */
  batchSize?: number;
  /** Called after each batch is written, with the requests done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface ExportSummary {
  /** Requests written (a listed request whose record is gone by the time it is read is left out). */
  requests: number;
  events: number;
}

/** Rejects with the store's error (store_unavailable) or the stream's; what was written stays written. */
export async function exportAudit(options: ExportAuditOptions): Promise<ExportSummary> {
  const { store, out, format } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const ids = await store.listRequestIds({ since: options.since, until: options.until });
  const row = format === 'csv' ? csvRow : jsonlRow;
  if (format === 'csv') await write(out, csvHeader());
  const summary: ExportSummary = { requests: 0, events: 0 };
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = await Promise.all(ids.slice(start, start + batchSize).map((id) => store.get(id)));
    const requests = batch.filter((request): request is MoneyRequest => request !== undefined);
    const rows = requests.flatMap(auditRows);
    if (rows.length > 0) await write(out, rows.map(row).join(''));
    summary.requests += requests.length;
    summary.events += rows.length;
    options.onProgress?.(Math.min(start + batchSize, ids.length), ids.length);
  }
  return summary;
}

/** Resolves once the stream has taken the chunk, so a slow reader slows the export instead of filling memory. */
function write(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}
