/**
 * A pending request is watched while it waits: after a while its approvers are reminded (once, by
 * direct message), and when its time is up it expires (closed, nothing executes).
 */
import type { ApprovalPolicy } from './approval-policy.ts';
import { eligibleSet } from './decide-request.ts';
import type { Clock, Directory, Logger, RequestStore } from '../ports.ts';
import { approvalsOf, type MoneyRequest } from '../request/request.ts';
import { expire, recordReminder } from '../request/transitions.ts';
import { updateRequest } from '../request/update-request.ts';

export interface WatchPendingDeps {
  store: RequestStore;
  clock: Clock;
  policy: ApprovalPolicy;
  directory: Directory;
  logger: Logger;
  /** A request nobody approved for this long expires. */
  expiresAfterMs: number;
  /** A request nobody approved for this long reminds its approvers, once. */
  remindAfterMs: number;
}

type Timing = Pick<WatchPendingDeps, 'expiresAfterMs' | 'remindAfterMs'>;

/** What is due for a pending request at `now`: its expiry, its one reminder, or nothing yet. */
function dueAt(deps: Timing, request: MoneyRequest, now: Date): 'expire' | 'remind' | undefined {
  const age = now.getTime() - Date.parse(request.createdAt);
  if (age >= deps.expiresAfterMs) return 'expire';
  if (age >= deps.remindAfterMs && !request.events.some((e) => e.type === 'reminded')) return 'remind';
  return undefined;
}

/** Whether watchPending has something to do for this request at `now`. */
export const watchIsDue = (deps: Timing, request: MoneyRequest, now: Date): boolean =>
  dueAt(deps, request, now) !== undefined;

export async function watchPending(deps: WatchPendingDeps, request: MoneyRequest): Promise<void> {
  const now = deps.clock.now();
  const due = dueAt(deps, request, now);
  if (due === undefined) return;
  if (due === 'expire') {
    await updateRequest(deps.store, request.id, (r) => expire(r, now));
    return;
  }
  const to = await whoCanApproveNext(deps, request);
  await updateRequest(deps.store, request.id, (r) =>
    r.state === 'awaiting_approval' && !r.events.some((e) => e.type === 'reminded')
      ? recordReminder(r, to, now)
      : undefined,
  );
}

/** The people who may give the next approval, minus the requester and those who approved already. */
async function whoCanApproveNext(deps: WatchPendingDeps, request: MoneyRequest): Promise<string[]> {
  const given = approvalsOf(request);
  const eligible = eligibleSet(deps.policy, request, given.length);
  if (!eligible.ok) return [];
  const set = eligible.value;
  try {
    const people = await deps.directory.expand(set);
    return [...new Set(people)].filter((u) => u !== request.requesterId && !given.some((a) => a.by === u));
  } catch (error) {
    // A group we cannot read: remind those we can name rather than nobody.
    deps.logger.warn('could not expand approver groups for a reminder', { requestId: request.id, error });
    return set.users.filter((u) => u !== request.requesterId);
  }
}
