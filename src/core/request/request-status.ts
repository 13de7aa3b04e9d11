/** Use case: `/dollr status <id>` — one request, from the store, refreshed from Dollr when not final. */
import type { Clock, Logger, PaymentsGateway, RequestStore } from '../ports.ts';
import { isFinal, type MoneyRequest } from './request.ts';
import { recordExecution } from './transitions.ts';
import { updateRequest } from './update-request.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function requestStatus(
  deps: { store: RequestStore; gateway: PaymentsGateway; clock: Clock; logger: Logger; announce: (id: string) => void },
  idOrReference: string,
): Promise<MoneyRequest | undefined> {
  const key = idOrReference.trim();
  const request = UUID.test(key)
    ? await deps.store.getByReference(key.toLowerCase())
    : await deps.store.get(key.toUpperCase());
  if (!request?.attempt || isFinal(request.state)) return request;
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
