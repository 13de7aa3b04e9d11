/** Use case: `/dollr freeze` and `/dollr unfreeze`, for admins. Every pending card shows the switch. */
import { setFreeze } from './freeze.ts';
import type { Clock, Logger, Notifier, RequestStore } from './ports.ts';
import { refuse, ok, type Result } from './result.ts';

export interface FreezeDeps {
  store: RequestStore;
  clock: Clock;
  notifier: Notifier;
  logger: Logger;
  admins: readonly string[];
}

export async function switchFreeze(
  deps: FreezeDeps,
  userId: string,
  on: boolean,
): Promise<Result<string, 'not_an_admin'>> {
  if (!deps.admins.includes(userId)) {
    return refuse(
      'not_an_admin',
      'Only the admins configured for this app (ADMINS) can freeze or unfreeze executions.',
    );
  }
  await setFreeze(deps.store, on ? { by: userId, at: deps.clock.now().toISOString() } : undefined);
  deps.logger.warn(on ? 'executions frozen' : 'executions unfrozen', { by: userId });
  // Best effort: the switch itself is stored; a card that misses the update shows it on its next change.
  for (const request of await deps.store.listWithWorkLeft()) {
    if (request.state !== 'awaiting_approval') continue;
    await deps.notifier
      .refreshCard(request)
      .catch((error: unknown) => deps.logger.warn('card not refreshed', { requestId: request.id, error }));
  }
  return ok(
    on
      ? ':ice_cube: Executions are frozen. Approvals that already started finish; nothing new is executed until `/dollr unfreeze`.'
      : ':sunny: Executions are unfrozen. Approvals work again.',
  );
}
