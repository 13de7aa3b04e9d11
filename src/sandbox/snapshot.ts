/**
 * What one person's page shows, as plain JSON: the channel (messages, their threads, this person's
 * ephemerals, in order), this person's modal, the people, and the simulated Dollr's panel.
 * The page renders it; the server pushes a new one on every change.
 */
import type { FakeSlack } from '../fakes/fake-slack.ts';
import type { AppDriver } from './drive-app.ts';
import type { DollrPanel, DollrSwitches } from './dollr-switches.ts';
import { PEOPLE, type Person } from './people.ts';

export interface ChannelItem {
  /** Unique within the snapshot. */
  key: string;
  kind: 'message' | 'ephemeral';
  from: 'app' | 'slackbot';
  /** A person's own message (typed without a slash): their name. */
  author?: string;
  /** A message's ts, which a click names. */
  ts?: string;
  /** Files shared with the message: name and size in bytes. */
  files?: Array<{ name: string; size: number }>;
  text: string;
  blocks: unknown[];
  edited: boolean;
  /** When the sandbox first saw it (ISO time). */
  at: string;
  replies: ChannelItem[];
}

interface ModalSnapshot {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  /** block_id -> the message to show under that input ('' for the whole form). */
  errors: Record<string, string>;
}

export interface Snapshot {
  me: string;
  people: readonly Person[];
  channel: { id: string; name: string };
  items: ChannelItem[];
  modal: ModalSnapshot | null;
  /** The blocks of this person's Home tab, as the app last published it (null before it has). */
  home: unknown[] | null;
  dollr: DollrPanel;
}

interface Sortable {
  item: ChannelItem;
  /** Sorted by ts, then seq: a local ephemeral follows the newest item that was there when it came. */
  ts: string;
  seq: number;
  threadTs: string | undefined;
}

export function createSnapshots(deps: {
  slack: FakeSlack;
  driver: AppDriver;
  switches: DollrSwitches;
  channel: { id: string; name: string };
  now?: () => Date;
}) {
  const { slack, driver, switches, channel } = deps;
  const now = deps.now ?? (() => new Date());
  const firstSeen = new Map<string, string>();
  const seenAt = (key: string): string => {
    let at = firstSeen.get(key);
    if (at === undefined) {
      at = now().toISOString();
      firstSeen.set(key, at);
    }
    return at;
  };

  function items(user: string): ChannelItem[] {
    const entries: Sortable[] = [];
    for (const m of slack.channel(channel.id)) {
      if (m.deleted) continue;
      const item: ChannelItem = {
        key: m.ts,
        kind: 'message',
        from: 'app',
        ...(m.bot_id ? {} : { author: PEOPLE.find((p) => p.id === m.user)?.name ?? m.user }),
        ts: m.ts,
        text: m.text ?? '',
        blocks: m.blocks ?? [],
        ...(m.files ? { files: m.files.map((f) => ({ name: String(f.name), size: Number(f.size) })) } : {}),
        edited: m.edits.length > 0,
        at: seenAt(m.ts),
        replies: [],
      };
      entries.push({ item, ts: m.ts, seq: 0, threadTs: m.thread_ts });
    }
    for (const e of slack.ephemerals({ channel: channel.id, user })) {
      const key = `e${e.message_ts}`;
      const item: ChannelItem = {
        key,
        kind: 'ephemeral',
        from: 'app',
        text: e.text ?? '',
        blocks: e.blocks ?? [],
        edited: false,
        at: seenAt(key),
        replies: [],
      };
      entries.push({ item, ts: e.message_ts, seq: 0, threadTs: e.thread_ts });
    }
    for (const e of driver.ephemerals(user)) {
      const key = `l${e.seq}`;
      const item: ChannelItem = {
        key,
        kind: 'ephemeral',
        from: e.from,
        text: e.text,
        blocks: [],
        edited: false,
        at: seenAt(key),
        replies: [],
      };
      entries.push({ item, ts: e.after, seq: e.seq, threadTs: undefined });
    }
    entries.sort((a, b) => (a.ts === b.ts ? a.seq - b.seq : a.ts < b.ts ? -1 : 1));
    const top = new Map<string, ChannelItem>();
    const result: ChannelItem[] = [];
    for (const entry of entries) {
      const parent = entry.threadTs === undefined ? undefined : top.get(entry.threadTs);
      if (parent !== undefined) parent.replies.push(entry.item);
      else {
        result.push(entry.item);
        if (entry.item.ts !== undefined) top.set(entry.item.ts, entry.item);
      }
    }
    return result;
  }

  return function snapshot(user: string): Snapshot {
    driver.observe();
    const modal = driver.modal(user);
    return {
      me: user,
      people: PEOPLE,
      channel,
      items: items(user),
      modal:
        modal === undefined
          ? null
          : { id: modal.view.id, hash: modal.view.hash, view: modal.view.view, errors: modal.errors },
      home: (slack.homeView(user)?.blocks as unknown[] | undefined) ?? null,
      dollr: switches.panel(),
    };
  };
}
