/**
 * Use case: `/dollr history [n]` — the latest requests the asker may see (approval/visibility.ts),
 * newest first. Reads back through the store page by page until it has `count` of them, and stops
 * after a bounded number of records so that an asker who may see few cannot make it read them all.
 */
import { mayView, type VisibilityDeps } from '../approval/visibility.ts';
import type { RequestStore } from '../ports.ts';
import type { MoneyRequest } from './request.ts';

/** Records read at most, whatever the asker may see. */
const MOST_READ = 1000;
const PAGE = 100;

export async function visibleHistory(
  deps: VisibilityDeps & { store: RequestStore },
  count: number,
  userId: string,
): Promise<MoneyRequest[]> {
  const shown: MoneyRequest[] = [];
  const read = new Set<string>();
  let until: Date | undefined;
  while (shown.length < count && read.size < MOST_READ) {
    const ids = await deps.store.listRequestIds({ newestFirst: true, limit: PAGE, ...(until ? { until } : {}) });
    // The next page ends just after this one's oldest: requests made in the same millisecond are not skipped.
    const fresh = ids.filter((id) => !read.has(id));
    for (const id of fresh) read.add(id);
    const page = (await Promise.all(fresh.map((id) => deps.store.get(id)))).filter(
      (r): r is MoneyRequest => r !== undefined,
    );
    for (const request of page) {
      // A batch's lines are shown with their batch (`/dollr status <batch>`), not one by one.
      if (shown.length < count && !request.batchOf && (await mayView(deps, request, userId))) shown.push(request);
    }
    const oldest = page.at(-1);
    if (ids.length < PAGE || !oldest) break;
    until = new Date(Date.parse(oldest.createdAt) + 1);
  }
  return shown;
}
