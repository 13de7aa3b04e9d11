/**
 * Use case: `/dollr status <id>` — one request, from the store, refreshed from Dollr when not final.
 * Only for those who may see it (approval/visibility.ts): anyone else gets what an unknown ID gets,
 * and Dollr is not asked. Refreshes are limited per person, so that nobody can make the app hammer
 * Dollr; past the limit the stored state is shown.
 */
import { mayView, type VisibilityDeps } from '../approval/visibility.ts';
import type { Clock, Logger, PaymentsGateway, RequestStore } from '../ports.ts';
import { isFinal, type MoneyRequest } from './request.ts';
import { recordExecution } from './transitions.ts';
import { updateRequest } from './update-request.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Status refreshes from Dollr one person may set off per minute. */
const REFRESHES_PER_MINUTE = 10;

export interface StatusDeps extends VisibilityDeps {
  store: RequestStore;
  gateway: PaymentsGateway;
  clock: Clock;
  logger: Logger;
  announce: (id: string) => void;
}

export async function requestStatus(
  deps: StatusDeps,
  idOrReference: string,
  userId: string,
): Promise<MoneyRequest | undefined> {
  const key = idOrReference.trim();
  const request = UUID.test(key)
    ? await deps.store.getByReference(key.toLowerCase())
    : await deps.store.get(key.toUpperCase());
  if (!request || !(await mayView(deps, request, userId))) return undefined;
  if (!request.attempt || isFinal(request.state)) return request;
  if ((await deps.store.increment(`status-refreshes-by:${userId}`, 60_000)) > REFRESHES_PER_MINUTE) {
    deps.logger.debug('status not refreshed from Dollr: the asker refreshed enough this minute', { userId });
    return request;
  }
  try {
    const status = await deps.gateway.getStatus(request.details.kind, request.attempt.referenceId);
    if (!status) return request;
    const next = await updateRequest(deps.store, request.id, (r) =>
      isFinal(r.state) ? undefined : recordExecution(r, status, deps.clock.now()),
    );
    if (next.version !== request.version) deps.announce(request.id);
    return next;
  } catch (error) {
    // The stored state is still worth showing; the answer says it may be stale.
    deps.logger.warn('status refresh failed', { requestId: request.id, error });
    return request;
  }
}
