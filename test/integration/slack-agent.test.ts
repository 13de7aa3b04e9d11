/**
 * The app's connection to Slack outlives a quiet spell: a call after 5.5 s of silence goes over the
 * connection the previous call opened. Node's default agent (and a fake that closes idle connections
 * after Node's default 5 s) would open a new one, which costs a TLS handshake against slack.com.
 */
import { Agent } from 'node:http';
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { slackAgent } from '../../src/adapters/slack/slack-agent.ts';
import { FAKE_BOT_TOKEN, startFakeSlack } from '../../src/fakes/fake-slack.ts';
import { silentLogger } from '../support/silent-logger.ts';

/** Connections the agent opens for two calls `quietMs` apart. */
async function connectionsFor(agent: Agent, quietMs: number): Promise<number> {
  const fake = await startFakeSlack();
  let opened = 0;
  const createConnection = agent.createConnection.bind(agent);
  agent.createConnection = (...args: Parameters<Agent['createConnection']>) => {
    opened++;
    return createConnection(...args);
  };
  const client = new WebClient(FAKE_BOT_TOKEN, {
    slackApiUrl: fake.apiUrl,
    agent,
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
  await client.auth.test();
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  await client.auth.test();
  agent.destroy();
  await fake.close();
  return opened;
}

// Each test waits 5.5 s; they run side by side.
describe.concurrent('the connection to Slack', () => {
  it('stays open through 5.5 s of quiet', { timeout: 15_000 }, async () => {
    expect(await connectionsFor(slackAgent('http://127.0.0.1/api/'), 5500)).toBe(1); // The fake speaks http.
  });

  it('(control) is opened again after that quiet with Node defaults', { timeout: 15_000 }, async () => {
    expect(await connectionsFor(new Agent({ keepAlive: true, timeout: 5000 }), 5500)).toBe(2);
  });
});
