/**
 * Slack's rate limits, opt-in: a token bucket per limit, and HTTP 429 with `Retry-After` (whole
 * seconds) and `{ok: false, error: 'ratelimited'}` past it, as Slack answers.
 *
 * What is modelled (Slack's documented limits: api.slack.com/apis/rate-limits and each method's page):
 * - `chat.postMessage`: one bucket per channel (thread replies count in their channel), refilled at
 *   `postMessagePerChannelPerSecond` (default 1) and holding `burst` calls (default 4): after a quiet
 *   moment 4 messages go at once, then one a second.
 * - With `tiers` (default true), a few other methods get one workspace-wide bucket each, at their
 *   tier's rate per minute: Tier 2 (20/min) `usergroups.users.list`; Tier 3 (50/min) `chat.update`,
 *   `chat.delete`, `files.list`; Tier 4 (100/min) `chat.postEphemeral`, `views.open`, `views.update`, `views.push`,
 *   `users.info`. These buckets hold `tierBurst` calls (default: `burst`). Methods with Slack's
 *   "special" limits (`auth.test`, `chat.getPermalink`, `apps.connections.open`) and response URLs are
 *   not limited.
 * A refused call takes no token. Buckets start full when limits are switched on and after a reset.
 */
import type { ApiArgs } from './types.ts';

export interface RateLimitOptions {
  /** Sustained `chat.postMessage` rate in one channel. Default 1. */
  postMessagePerChannelPerSecond?: number;
  /** Calls a full bucket lets through at once. Default 4. */
  burst?: number;
  /** Also limit the tiered methods listed above, workspace-wide. Default true. */
  tiers?: boolean;
  /** Size of the tiered methods' buckets. Default: `burst`. */
  tierBurst?: number;
}

export type RateLimitSettings = Required<RateLimitOptions>;

/** One bucket a call is counted in. */
export interface RateLimit {
  /** e.g. `chat.postMessage:C123` or `chat.update`. */
  key: string;
  perSecond: number;
  burst: number;
}

/** Calls per minute of the tiered methods (Slack's Tier 2, 3 and 4). */
const TIER_PER_MINUTE: Readonly<Record<string, number>> = {
  'usergroups.users.list': 20,
  'chat.update': 50,
  'chat.delete': 50,
  'files.list': 50,
  'chat.postEphemeral': 100,
  'views.open': 100,
  'views.update': 100,
  'views.push': 100,
  'users.info': 100,
};

export function rateLimitSettings(options: RateLimitOptions = {}): RateLimitSettings {
  const burst = options.burst ?? 4;
  const settings: RateLimitSettings = {
    postMessagePerChannelPerSecond: options.postMessagePerChannelPerSecond ?? 1,
    burst,
    tiers: options.tiers ?? true,
    tierBurst: options.tierBurst ?? burst,
  };
  if (!(settings.postMessagePerChannelPerSecond > 0))
    throw new Error('rateLimits: postMessagePerChannelPerSecond must be positive');
  if (!(settings.burst >= 1) || !(settings.tierBurst >= 1)) throw new Error('rateLimits: burst must be at least 1');
  return settings;
}

/** The bucket a call counts in under these settings, or undefined when the method is not limited. */
export function rateLimitFor(settings: RateLimitSettings, method: string, args: ApiArgs): RateLimit | undefined {
  if (method === 'chat.postMessage') {
    const channel = typeof args.channel === 'string' ? args.channel : '';
    return {
      key: `chat.postMessage:${channel}`,
      perSecond: settings.postMessagePerChannelPerSecond,
      burst: settings.burst,
    };
  }
  const perMinute = settings.tiers ? TIER_PER_MINUTE[method] : undefined;
  return perMinute === undefined ? undefined : { key: method, perSecond: perMinute / 60, burst: settings.tierBurst };
}

type RateDecision = { ok: true } | { ok: false; bucket: string; retryAfterSeconds: number };

export interface RateLimiter {
  /** The current settings; undefined while limits are off. */
  readonly settings: RateLimitSettings | undefined;
  /** Switches limits on (with these options; `{}` for Slack's defaults) or off (`false`); buckets start full. */
  configure(options: RateLimitOptions | false | undefined): void;
  /** Counts the call, or refuses it with the wait Slack would send in `Retry-After`. */
  take(method: string, args: ApiArgs): RateDecision;
  /** Refills every bucket (the settings stay). */
  reset(): void;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

/** @param now clock in milliseconds (the fake's clock, so tests can move time instead of sleeping). */
export function createRateLimiter(now: () => number, options?: RateLimitOptions | false): RateLimiter {
  let settings: RateLimitSettings | undefined;
  let buckets = new Map<string, Bucket>();

  const limiter: RateLimiter = {
    get settings() {
      return settings;
    },
    configure(next) {
      settings = next === false || next === undefined ? undefined : rateLimitSettings(next);
      buckets = new Map();
    },
    take(method, args) {
      if (settings === undefined) return { ok: true };
      const limit = rateLimitFor(settings, method, args);
      if (limit === undefined) return { ok: true };
      const t = now();
      const bucket = buckets.get(limit.key) ?? { tokens: limit.burst, at: t };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + (Math.max(0, t - bucket.at) / 1000) * limit.perSecond);
      bucket.at = t;
      buckets.set(limit.key, bucket);
      // The epsilon absorbs float error: 1.2 s at 50/min is one whole token.
      if (bucket.tokens >= 1 - 1e-9) {
        bucket.tokens = Math.max(0, bucket.tokens - 1);
        return { ok: true };
      }
      // Slack sends whole seconds: the time until the next token, rounded up, at least 1.
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
      return { ok: false, bucket: limit.key, retryAfterSeconds };
    },
    reset() {
      buckets = new Map();
    },
  };
  limiter.configure(options);
  return limiter;
}
