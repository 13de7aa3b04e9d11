/**
 * Keeps the Home tabs current. A person's tab is published when they open it and again whenever a
 * request changes, for the people who opened theirs while this process ran (at most VIEWERS_MAX,
 * the most recent). Changes are coalesced per person and published at a pace well within
 * views.publish's limit (Slack's Tier 4, 100 a minute), so a burst of changes is one publish each.
 */
import type { WebClient } from '@slack/web-api';
import type { Operations } from '../../../core/operations.ts';
import type { Logger } from '../../../core/ports.ts';
import { HOME_LIST_MAX, type HomeContent, homeView } from './home-view.ts';

const VIEWERS_MAX = 500;
/** One publish every 700 ms at most: about 85 a minute. */
const PUBLISH_EVERY_MS = 700;
/** What one tab reads: the latest requests the person may see. */
const VISIBLE_MAX = 50;

export interface HomeTabs {
  /** Someone opened their Home tab: publish it soon. */
  opened(userId: string): void;
  /** Some request changed: every known tab is published again (once, however many changes). */
  changed(): void;
  stop(): void;
}

export function createHomeTabs(deps: { client: WebClient; operations: () => Operations; logger: Logger }): HomeTabs {
  const viewers = new Set<string>();
  const due = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function schedule(): void {
    if (timer || stopped || due.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      const [next] = due;
      if (next === undefined) return;
      due.delete(next);
      void publish(next).finally(schedule);
    }, PUBLISH_EVERY_MS);
    timer.unref();
  }

  async function publish(userId: string): Promise<void> {
    try {
      const view = homeView(await contentFor(deps.operations(), userId));
      await deps.client.views.publish({ user_id: userId, view });
    } catch (error) {
      deps.logger.warn('could not publish a Home tab', { user: userId, error });
    }
  }

  return {
    opened(userId) {
      viewers.delete(userId);
      viewers.add(userId);
      if (viewers.size > VIEWERS_MAX) viewers.delete(viewers.values().next().value!);
      due.add(userId);
      schedule();
    },
    changed() {
      for (const userId of viewers) due.add(userId);
      schedule();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** What one person's tab shows, from the requests they may see. */
async function contentFor(operations: Operations, userId: string): Promise<HomeContent> {
  const visible = await operations.history(VISIBLE_MAX, userId);
  const pending = visible.filter((r) => r.state === 'awaiting_approval' && r.requesterId !== userId);
  const mayDecide = await Promise.all(pending.map(async (r) => (await operations.checkDecider(r.id, userId)).ok));
  const content: HomeContent = {
    waiting: pending.filter((_, i) => mayDecide[i]).slice(0, HOME_LIST_MAX.waiting),
    own: visible.filter((r) => r.requesterId === userId).slice(0, HOME_LIST_MAX.own),
  };
  if (operations.isAdmin(userId)) {
    content.admin = {
      freeze: await operations.freeze(),
      attention: visible.filter((r) => r.state === 'needs_attention').slice(0, HOME_LIST_MAX.attention),
    };
  }
  return content;
}
