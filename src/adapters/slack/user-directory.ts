/**
 * Who is in which Slack user group, from usergroups.users.list, cached for a minute with one
 * request in flight per group. When Slack cannot answer, the last members seen are used for a
 * while (refusing every approval during a Slack hiccup helps nobody), but never once they are older
 * than `maxAgeMs`: someone removed from a group must not keep approving while Slack is down. Then,
 * or with none seen, the lookup fails and the caller refuses rather than guesses.
 */
import type { WebClient } from '@slack/web-api';
import type { ApproverSet } from '../../core/approval/approval-policy.ts';
import type { Directory, Logger } from '../../core/ports.ts';

export interface UserDirectoryOptions {
  client: WebClient;
  /** How long members read from Slack are used without asking again. Default one minute. */
  ttlMs?: number;
  /** The oldest members used when Slack cannot be asked; older ones are refused. Default five minutes. */
  maxAgeMs?: number;
  /**
   * After a failed refresh served from the cache, how long to keep serving it before asking Slack
   * again: without it every click during an outage would wait for Slack's retries first.
   */
  retryAfterFailureMs?: number;
  now?: () => number;
  logger: Logger;
}

export interface UserDirectory extends Directory {
  /** The group's member IDs. Rejects with UserGroupUnavailableError when Slack fails and nothing is cached. */
  membersOf(groupId: string): Promise<string[]>;
}

/** A group whose members could not be read, and were never read or were read too long ago. */
export class UserGroupUnavailableError extends Error {
  override readonly name = 'UserGroupUnavailableError';
  readonly groupId: string;
  constructor(groupId: string, options?: ErrorOptions & { lastReadMinutesAgo?: number }) {
    const since =
      options?.lastReadMinutesAgo === undefined
        ? ''
        : ` (last read ${options.lastReadMinutesAgo} min ago, too long to trust)`;
    super(
      `The members of Slack user group ${groupId} could not be read from Slack${since}, ` +
        'so who may approve cannot be checked. ' +
        'Nothing was changed; try again in a minute.',
      options,
    );
    this.groupId = groupId;
  }
}

interface Known {
  members: readonly string[];
  /** When Slack answered. */
  readAt: number;
  /** Set after a failed refresh: no new attempt before this. */
  retryAt?: number;
}

export function createUserDirectory(options: UserDirectoryOptions): UserDirectory {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxAgeMs = Math.max(ttlMs, options.maxAgeMs ?? 5 * 60_000);
  const retryAfterFailureMs = options.retryAfterFailureMs ?? Math.min(30_000, ttlMs);
  const now = options.now ?? Date.now;
  const known = new Map<string, Known>();
  const inFlight = new Map<string, Promise<readonly string[]>>();

  async function read(groupId: string): Promise<readonly string[]> {
    try {
      const answer = await options.client.usergroups.users.list({ usergroup: groupId });
      const members = (answer.users ?? []).filter((u): u is string => typeof u === 'string');
      known.set(groupId, { members, readAt: now() });
      return members;
    } catch (error) {
      const last = known.get(groupId);
      if (!last) throw new UserGroupUnavailableError(groupId, { cause: error });
      const age = now() - last.readAt;
      if (age > maxAgeMs)
        throw new UserGroupUnavailableError(groupId, { cause: error, lastReadMinutesAgo: Math.floor(age / 60_000) });
      options.logger.warn('user group members not refreshed; using the members last read', {
        groupId,
        readAt: new Date(last.readAt).toISOString(),
        error,
      });
      known.set(groupId, { ...last, retryAt: now() + retryAfterFailureMs });
      return last.members;
    }
  }

  async function members(groupId: string): Promise<readonly string[]> {
    const last = known.get(groupId);
    const t = now();
    const usable =
      last &&
      (t - last.readAt < ttlMs || (last.retryAt !== undefined && t < last.retryAt && t - last.readAt <= maxAgeMs));
    if (usable) return last.members;
    let pending = inFlight.get(groupId);
    if (!pending) {
      // `finally` runs in a later microtask, so always after the set below.
      pending = read(groupId).finally(() => inFlight.delete(groupId));
      inFlight.set(groupId, pending);
    }
    return pending;
  }

  return {
    membersOf: async (groupId) => [...(await members(groupId))],

    /** A user found in any group is enough, even when another group of the set cannot be read. */
    async isIn(userId: string, set: ApproverSet) {
      if (set.users.includes(userId)) return true;
      const lookups = await Promise.allSettled(set.groups.map(members));
      if (lookups.some((l) => l.status === 'fulfilled' && l.value.includes(userId))) return true;
      const failed = lookups.find((l): l is PromiseRejectedResult => l.status === 'rejected');
      if (failed) throw failed.reason;
      return false;
    },

    async expand(set: ApproverSet) {
      const groups = await Promise.all(set.groups.map(members));
      return [...new Set([...set.users, ...groups.flat()])];
    },
  };
}
