/**
 * Who is in which Slack user group, from usergroups.users.list, cached for a few minutes with one
 * request in flight per group. When Slack cannot answer, the last known members are used; with none
 * known the lookup fails, and the caller refuses rather than guesses.
 */
import type { WebClient } from '@slack/web-api';
import type { ApproverSet } from '../../core/approval-policy.ts';
import type { Directory, Logger } from '../../core/ports.ts';

export interface UserDirectoryOptions {
  client: WebClient;
  ttlMs?: number;
  now?: () => number;
  logger: Logger;
}

export function createUserDirectory(options: UserDirectoryOptions): Directory & { membersOf(groupId: string): Promise<string[]> } {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { members: string[]; at: number }>();
  const inFlight = new Map<string, Promise<string[]>>();

  async function fetchMembers(groupId: string): Promise<string[]> {
    try {
      const answer = await options.client.usergroups.users.list({ usergroup: groupId });
      const members = (answer.users ?? []).filter((u): u is string => typeof u === 'string');
      cache.set(groupId, { members, at: now() });
      return members;
    } catch (error) {
      const known = cache.get(groupId);
      if (known) {
        options.logger.warn('user group not refreshed; using the members last seen', { groupId, error });
        return known.members;
      }
      throw new Error(`The members of user group ${groupId} could not be read from Slack; nothing was changed. Try again in a minute.`, { cause: error });
    } finally {
      inFlight.delete(groupId);
    }
  }

  async function membersOf(groupId: string): Promise<string[]> {
    const known = cache.get(groupId);
    if (known && now() - known.at < ttlMs) return known.members;
    let pending = inFlight.get(groupId);
    if (!pending) {
      pending = fetchMembers(groupId);
      inFlight.set(groupId, pending);
    }
    return pending;
  }

  return {
    membersOf,
    async isIn(userId: string, set: ApproverSet) {
      if (set.users.includes(userId)) return true;
      for (const group of set.groups) if ((await membersOf(group)).includes(userId)) return true;
      return false;
    },
    async expand(set: ApproverSet) {
      return [...set.users, ...(await Promise.all(set.groups.map(membersOf))).flat()];
    },
  };
}
