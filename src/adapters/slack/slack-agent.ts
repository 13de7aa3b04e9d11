/**
 * Connections to Slack's Web API stay open between calls for up to a minute. @slack/web-api 8 calls
 * Slack with fetch, so this is an undici dispatcher handed to the WebClient through its `fetch` option.
 * undici's default drops an idle connection after 4 s, so the first reply of an approval that came
 * after a quiet spell paid for a new connection: a TLS handshake to slack.com, and 2-5 ms even on
 * loopback in the benchmark. A server that announces a shorter keep-alive (`Keep-Alive: timeout=N`)
 * is believed: a connection is never reused past the moment the server said it would close it.
 */
import type { FetchFunction } from '@slack/web-api';
import { Agent, fetch as undiciFetch } from 'undici';

/** How long an idle connection to Slack stays open. */
export const IDLE_CONNECTION_MS = 60_000;

export interface SlackConnections {
  /** The dispatcher every Web API call of the app goes through (its idle connections are kept a minute). */
  readonly dispatcher: Agent;
  /** fetch through the dispatcher, for WebClientOptions.fetch. */
  readonly fetch: FetchFunction;
  /**
   * Closes every connection. Called once the app's work has stopped: a call still in flight then
   * (one Slack never answered) is abandoned.
   */
  close(): Promise<void>;
}

/** A keep-alive dispatcher for the Web API, and the fetch that goes through it. */
export function slackConnections(): SlackConnections {
  const dispatcher = new Agent({ keepAliveTimeout: IDLE_CONNECTION_MS, keepAliveMaxTimeout: IDLE_CONNECTION_MS });
  const fetch: FetchFunction = async (url, init) =>
    // web-api's init is a subset of fetch's; undici's Response has all web-api reads.
    (await undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as Awaited<
      ReturnType<FetchFunction>
    >;
  return {
    dispatcher,
    fetch,
    async close() {
      if (!dispatcher.destroyed) await dispatcher.destroy();
    },
  };
}
