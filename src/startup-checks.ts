/**
 * What a start checks before it takes work, each within a deadline, each failure naming the setting
 * to look at. A check that finds the setting wrong stops the start (StartupError, which main.ts prints
 * as it is). Slack must answer: without it the app can take no request, so a Slack that cannot be
 * reached or does not answer in time stops the start too, blaming the network, not the token. Dollr
 * that cannot be reached only warns: Slack requests can still be taken, and whatever needs Dollr
 * waits and retries as it always does.
 */
import { raceDeadline } from './adapters/deadline.ts';
import type { DollrClient } from './adapters/dollr/dollr-client.ts';
import { isDollrError } from './core/execution/dollr-error.ts';
import type { Logger } from './core/ports.ts';

/** A start that cannot go on, with what to do: printed without a stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Dollr's token request, with the configured credentials. */
export async function checkDollrCredentials(gateway: DollrClient, logger: Logger): Promise<void> {
  try {
    await gateway.checkCredentials();
    logger.info('dollr credentials accepted');
  } catch (error) {
    if (isDollrError(error) && (error.code === 'unauthorized' || error.code === 'forbidden')) {
      throw new StartupError(
        `Dollr refused the client credentials (${error.message}). ` +
          'Check DOLLR_CLIENT_ID and DOLLR_CLIENT_SECRET (merchant portal > Settings > Developer > API Keys), ' +
          'and DOLLR_API_URL.',
      );
    }
    logger.warn(
      'dollr could not be reached at start; the app starts anyway and retries when there is work. ' +
        'Check DOLLR_API_URL and the network',
      { error },
    );
  }
}

/** Slack's answers that mean the token itself is wrong: only these blame it. */
const REFUSED_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

/** Where the Web API is when SLACK_API_URL is not set. */
const SLACK_API = 'https://slack.com/api/';

/** One step of reaching Slack at start: the call it makes and the token it makes it with. */
export interface SlackStartStep {
  /** What the step calls, for the message: `auth.test`, `apps.connections.open`. */
  call: string;
  /** The setting holding the token the call carries. */
  token: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN';
  /** SLACK_API_URL, when set. */
  apiUrl: string | undefined;
  /** How long Slack has to answer. */
  deadlineMs: number;
  /** Undoes what the step may leave behind when it fails or runs out of time (a socket being opened). */
  abandon?: () => void;
}

/**
 * A step of reaching Slack at start, within a deadline. It stops the start (StartupError) with what
 * to check: the token only when Slack refused it; the network (and SLACK_API_URL) when Slack could
 * not be reached or did not answer in time; Slack's answer otherwise.
 */
export async function checkSlackStep(step: SlackStartStep, work: () => Promise<unknown>): Promise<void> {
  const where = step.apiUrl ?? SLACK_API;
  const check = step.apiUrl ? 'Check SLACK_API_URL and the network' : 'Check the network (a proxy, a firewall)';
  const seconds = step.deadlineMs / 1000;
  try {
    await raceDeadline(
      work(),
      step.deadlineMs,
      () => new StartupError(`Slack did not answer ${step.call} within ${seconds} s at ${where}. ${check}.`),
    );
  } catch (error) {
    step.abandon?.();
    if (error instanceof StartupError) throw error;
    const refusal = slackErrorCode(error);
    if (refusal !== undefined && REFUSED_TOKEN.has(refusal)) {
      throw new StartupError(
        `Slack did not accept ${step.token} (${step.call}: ${refusal}). Check the token` +
          (step.apiUrl ? ', and that SLACK_API_URL is the Slack it belongs to.' : '.'),
      );
    }
    if (refusal !== undefined) {
      throw new StartupError(`Slack answered ${step.call} with ${refusal} at ${where}. ${check}, or try again.`);
    }
    throw new StartupError(`Could not reach Slack at ${where} (${networkCode(error)}). ${check}.`);
  }
}

/** Slack's error code in an answer (`ok: false`), or undefined when no answer came. */
function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown } | null;
  if (e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string') return e.data.error;
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited (HTTP 429)';
  if (e?.code === 'slack_webapi_http_error') return `HTTP ${String(e.statusCode)}`;
  return undefined;
}

/** The system's code for a call that got no answer (ECONNREFUSED, ENOTFOUND...), found along the causes. */
function networkCode(error: unknown): string {
  let at: unknown = error;
  for (let depth = 0; at && depth < 6; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('slack_')) return code;
    const next = at as { cause?: unknown; original?: unknown };
    at = next.cause ?? next.original;
  }
  return error instanceof Error ? error.message : String(error);
}
