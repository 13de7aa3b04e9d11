/**
 * The freeze switch: while on, no new execution starts (approvals that already claimed a request
 * finish). Kept in the store, so it survives restarts and holds for every replica.
 */
import type { RequestStore } from './ports.ts';

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

export async function setFreeze(store: RequestStore, freeze: Freeze | undefined): Promise<void> {
  await store.setSetting(SETTING, freeze ? JSON.stringify(freeze) : undefined);
}

export const frozenMessage = (freeze: Freeze): string =>
  `Executions are frozen${freeze.by !== 'unknown' ? ` by <@${freeze.by}>` : ''}${freeze.at ? ` since ${freeze.at.slice(0, 16).replace('T', ' ')} UTC` : ''}: nothing new is executed. An admin lifts it with \`/dollr unfreeze\`.`;
