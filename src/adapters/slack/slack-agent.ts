/**
 * Connections to Slack's Web API stay open between calls for up to a minute. Node's default agent
 * drops an idle one after 5 s, so the first reply of an approval that came after a quiet spell paid
 * for a new connection: a TLS handshake to slack.com, and 2-5 ms even on loopback in the benchmark.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

const IDLE_CONNECTION_MS = 60_000;

/** A keep-alive agent for the Web API at `apiUrl` (https://slack.com/api/ when unset). */
export function slackAgent(apiUrl: string | undefined): HttpAgent {
  const options = { keepAlive: true, timeout: IDLE_CONNECTION_MS };
  return apiUrl?.startsWith('http:') ? new HttpAgent(options) : new HttpsAgent(options);
}
