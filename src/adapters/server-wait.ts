/**
 * The one bound on waits a server asks for (Dollr's and Slack's Retry-After). A server may send any
 * number, and a wait past Node's timer limit (about 24.8 days) fires at once: a queue or scheduler
 * would then retry in a tight loop. An hour is longer than any rate limit needs.
 */
const MAX_SERVER_WAIT_MS = 60 * 60_000;

/** `ms` as a wait we are willing to honour: not negative, at most MAX_SERVER_WAIT_MS. */
export const serverWaitMs = (ms: number): number =>
  Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_SERVER_WAIT_MS) : MAX_SERVER_WAIT_MS;
