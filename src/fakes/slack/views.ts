/** Trigger IDs and modals: what views.open, views.update and views.push change. */
import { randomBytes } from 'node:crypto';
import type { BotIdentity } from './channels.ts';
import type { FakeView } from './types.ts';

/** Slack honours a trigger_id for 3 seconds after the interaction that produced it. */
const TRIGGER_TTL_MS = 3000;
/** A modal stack holds at most 3 views. */
const MAX_STACK = 3;
const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

interface Trigger {
  issuedAt: number;
  used: boolean;
  /** The modal the interaction came from, which views.push stacks onto. */
  viewId: string | undefined;
}

export type ViewStore = ReturnType<typeof createViewStore>;

export function createViewStore(bot: BotIdentity, now: () => number, strictTriggers: boolean) {
  const triggers = new Map<string, Trigger>();
  const views = new Map<string, FakeView>();

  const newHash = (): string => `${Math.floor(now() / 1000)}.${randomBytes(4).toString('hex')}`;

  /** A fresh trigger ID; pass the modal's view ID when the interaction happened inside a modal. */
  function issueTrigger(viewId?: string): string {
    const id = `${Math.floor(now() / 1000)}.${randomBytes(5).readUIntBE(0, 5)}.${randomBytes(16).toString('hex')}`;
    triggers.set(id, { issuedAt: now(), used: false, viewId });
    return id;
  }

  /** Uses up a trigger ID; returns Slack's error code when it cannot be used. */
  function consumeTrigger(id: string | undefined): { error: string } | { viewId: string | undefined } {
    if (id === undefined || id === '') return { error: 'invalid_arguments' };
    const trigger = triggers.get(id);
    if (!strictTriggers) {
      if (trigger !== undefined) trigger.used = true;
      return { viewId: trigger?.viewId };
    }
    if (trigger === undefined || now() - trigger.issuedAt > TRIGGER_TTL_MS) return { error: 'expired_trigger_id' };
    if (trigger.used) return { error: 'exchanged_trigger_id' };
    trigger.used = true;
    return { viewId: trigger.viewId };
  }

  function toJson(
    record: Omit<FakeView, 'view' | 'versions'>,
    input: Record<string, unknown>,
  ): Record<string, unknown> {
    return {
      id: record.id,
      team_id: bot.teamId,
      type: input.type,
      blocks: input.blocks ?? [],
      private_metadata: input.private_metadata ?? '',
      callback_id: input.callback_id ?? '',
      state: { values: {} },
      hash: record.hash,
      title: input.title,
      clear_on_close: input.clear_on_close ?? false,
      notify_on_close: input.notify_on_close ?? false,
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: record.previous_view_id,
      root_view_id: record.root_view_id,
      app_id: bot.appId,
      external_id: record.external_id ?? '',
      app_installed_team_id: bot.teamId,
      bot_id: bot.botId,
    };
  }

  function externalIdTaken(externalId: unknown): boolean {
    return (
      typeof externalId === 'string' &&
      externalId !== '' &&
      [...views.values()].some((v) => v.external_id === externalId)
    );
  }

  function depth(view: FakeView): number {
    let n = 1;
    for (let v = view; v.previous_view_id !== null; n++) {
      const previous = views.get(v.previous_view_id);
      if (previous === undefined) break;
      v = previous;
    }
    return n;
  }

  /** Opens a modal (views.open) or stacks one onto `parentId` (views.push). */
  function open(
    input: Record<string, unknown>,
    openedBy: FakeView['openedBy'],
    parentId?: string,
  ): FakeView | { error: string } {
    if (externalIdTaken(input.external_id)) return { error: 'duplicate_external_id' };
    const parent = parentId === undefined ? undefined : views.get(parentId);
    if (parent !== undefined && depth(parent) >= MAX_STACK) return { error: 'push_limit_reached' };
    let id = randomId('V', 10);
    while (views.has(id)) id = randomId('V', 10);
    const base = {
      id,
      hash: newHash(),
      external_id: typeof input.external_id === 'string' && input.external_id !== '' ? input.external_id : undefined,
      root_view_id: parent?.root_view_id ?? id,
      previous_view_id: parent?.id ?? null,
      openedBy,
    };
    const record: FakeView = { ...base, view: toJson(base, input), versions: [] };
    views.set(id, record);
    return record;
  }

  /** views.update by view_id or external_id, refusing a stale hash with `hash_conflict`. */
  function update(
    key: { viewId?: string; externalId?: string },
    hash: string | undefined,
    input: Record<string, unknown>,
  ) {
    const record =
      key.viewId !== undefined
        ? views.get(key.viewId)
        : [...views.values()].find((v) => key.externalId !== undefined && v.external_id === key.externalId);
    if (record === undefined) return { error: 'not_found' } as const;
    if (hash !== undefined && hash !== '' && hash !== record.hash) return { error: 'hash_conflict' } as const;
    record.versions.push(record.view);
    record.hash = newHash();
    if (typeof input.external_id === 'string' && input.external_id !== '') record.external_id = input.external_id;
    record.view = toJson(record, input);
    return record;
  }

  const homes = new Map<string, Record<string, unknown>>();

  return {
    /** views.publish: the person's Home tab now shows `view`. */
    publishHome(userId: string, view: Record<string, unknown>): Record<string, unknown> {
      const published = { ...structuredClone(view), id: randomId('V', 10), hash: newHash() };
      homes.set(userId, published);
      return published;
    },
    home: (userId: string): Record<string, unknown> | undefined => structuredClone(homes.get(userId)),
    issueTrigger,
    consumeTrigger,
    open,
    update,
    view: (id: string): FakeView | undefined => structuredClone(views.get(id)),
    all: (): FakeView[] => structuredClone([...views.values()]),
    reset(): void {
      triggers.clear();
      views.clear();
      homes.clear();
    },
  };
}
