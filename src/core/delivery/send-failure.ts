/** How the sender's rejections say what to do next (see Sender in ports.ts). */

/** Slack refused the message itself: trying again cannot help. */
export const isPermanent = (error: unknown): boolean => (error as { permanent?: unknown } | null)?.permanent === true;

/** Slack asked to wait this long before the same call again (a 429). */
export function retryAfterMs(error: unknown): number | undefined {
  const ms = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' ? ms : undefined;
}
