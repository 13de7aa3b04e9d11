/**
 * What reviewers should see before they approve: other open or recent requests for the same
 * payment or account and amount (a possible duplicate), and what was already refunded against the
 * same payment through this app.
 */
import { toMinor } from './money.ts';
import type { RequestStore } from '../ports.ts';
import { subjectOf, type MoneyRequest, type RequestChecks, type RequestDetails, type RequestState } from './request.ts';

const RECENT_MS = 24 * 60 * 60_000;
const NOT_MOVING: readonly RequestState[] = ['rejected', 'cancelled', 'expired', 'failed'];

export async function requestChecks(store: RequestStore, details: RequestDetails, now: Date): Promise<RequestChecks> {
  const others: MoneyRequest[] = [];
  for (const id of await store.listRequestIdsFor(subjectOf(details))) {
    const other = await store.get(id);
    if (other) others.push(other);
  }
  const possibleDuplicates = others
    .filter((o) => o.details.amount === details.amount)
    .filter((o) => o.state === 'awaiting_approval' || now.getTime() - Date.parse(o.createdAt) < RECENT_MS)
    .filter((o) => o.state !== 'rejected' && o.state !== 'cancelled')
    .map((o) => o.id);
  const checks: RequestChecks = { possibleDuplicates };
  if (details.kind === 'refund') {
    checks.refundedBeforeMinor = others
      .filter((o) => !NOT_MOVING.includes(o.state) && o.state !== 'awaiting_approval')
      .reduce((sum, o) => sum + toMinor(o.details.amount), 0);
  }
  return checks;
}
