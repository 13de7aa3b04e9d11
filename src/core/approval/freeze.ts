/**
 * The freeze switch: while on, no new execution starts (approvals that already claimed a request
 * finish). Kept in the store, so it survives restarts and holds for every replica. Admins switch it
 * with `/dollr freeze` and `/dollr unfreeze`; every pending card shows it.
 */
import type { CardUpdates } from '../delivery/card-updates.ts';
import type { Clock, Logger, RequestStore } from '../ports.ts';
import { ok, refuse, type RefusalOf, type Result } from '../result.ts';

export interface Freeze {
  by: string;
  at: string;
}

const SETTING = 'freeze';

export async function currentFreeze(store: RequestStore): Promise<Freeze | undefined> {
  const raw = await store.getSetting(SETTING);
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<Freeze>;
    return typeof value.by === 'string' && typeof value.at === 'string'
      ? { by: value.by, at: value.at }
      : { by: 'unknown', at: '' };
  } catch {
    // A damaged value must not unfreeze by accident.
    return { by: 'unknown', at: '' };
  }
}

async function setFreeze(store: RequestStore, freeze: Freeze | undefined): Promise<void> {
  await store.setSetting(SETTING, freeze ? JSON.stringify(freeze) : undefined);
}

export interface FreezeDeps {
  store: RequestStore;
  clock: Clock;
  cards: CardUpdates;
  logger: Logger;
  admins: readonly string[];
}

export async function switchFreeze(
  deps: FreezeDeps,
  userId: string,
  on: boolean,
): Promise<Result<'frozen' | 'unfrozen', RefusalOf<'not_an_admin'>>> {
  if (!deps.admins.includes(userId)) return refuse({ code: 'not_an_admin' });
  await setFreeze(deps.store, on ? { by: userId, at: deps.clock.now().toISOString() } : undefined);
  deps.logger.warn(on ? 'executions frozen' : 'executions unfrozen', { by: userId });
  // Best effort: the switch itself is stored; a card that misses the update shows it on its next change.
  for (const { request } of await deps.store.listWithWorkLeft()) {
    if (request.state !== 'awaiting_approval') continue;
    await deps.cards
      .refresh(request.id)
      .catch((error: unknown) => deps.logger.warn('card not refreshed', { requestId: request.id, error }));
  }
  return ok(on ? 'frozen' : 'unfrozen');
}
