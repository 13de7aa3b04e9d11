/**
 * Sends requests into a Bolt app (HTTP mode) exactly as Slack does: form-encoded bodies, signed with
 * `v0=` + hex HMAC-SHA256 over `v0:<timestamp>:<raw body>`, with Slack's headers.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { commandPayload } from './slack/payloads.ts';
import type { CommandFields } from './slack/payloads.ts';

export { blockActionsPayload, commandPayload, viewSubmissionPayload } from './slack/payloads.ts';
export type { CommandFields, InputValue } from './slack/payloads.ts';
export { SLACK_TEAM } from './slack/team.ts';

export interface SendOptions {
  /** Request timestamp in Unix seconds (default: now), e.g. an old one for staleness tests. */
  timestamp?: number;
  /** Sent instead of the computed signature, for forgery tests. */
  signature?: string;
  /** Marks the request as Slack's retry number N (`x-slack-retry-num`, reason `http_timeout`). */
  retryNum?: number;
}

export interface SlackResponse {
  status: number;
  body: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json(): unknown;
  elapsedMs: number;
}

export interface SlackSenderOptions {
  /** The app's events endpoint, e.g. `http://127.0.0.1:3000/slack/events`. */
  appUrl: string;
  signingSecret: string;
  /** Clock in ms since the epoch, for the timestamp header. Default `Date.now`. */
  now?: () => number;
}

export interface SlackSender {
  command(fields: CommandFields, opts?: SendOptions): Promise<SlackResponse>;
  interaction(payload: object, opts?: SendOptions): Promise<SlackResponse>;
  /** Posts any raw body with Slack's signature (for malformed-body tests). */
  raw(body: string, contentType: string, opts?: SendOptions): Promise<SlackResponse>;
}

/** Slack's signature for a request body: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
function slackSignature(signingSecret: string, timestampSeconds: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
}

export function createSlackSender(options: SlackSenderOptions): SlackSender {
  const now = options.now ?? Date.now;

  async function raw(body: string, contentType: string, opts: SendOptions = {}): Promise<SlackResponse> {
    const timestamp = opts.timestamp ?? Math.floor(now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': opts.signature ?? slackSignature(options.signingSecret, timestamp, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const started = performance.now();
    const response = await fetch(options.appUrl, { method: 'POST', headers, body });
    const text = await response.text();
    const elapsedMs = performance.now() - started;
    return {
      status: response.status,
      body: text,
      elapsedMs,
      json() {
        try {
          return text === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          return undefined;
        }
      },
    };
  }

  const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
  const FORM = 'application/x-www-form-urlencoded';

  return {
    raw,
    command(fields, opts) {
      const body = form(commandPayload(fields));
      return raw(body, FORM, opts);
    },
    interaction(payload, opts) {
      return raw(form({ payload: JSON.stringify(payload) }), FORM, opts);
    },
  };
}
