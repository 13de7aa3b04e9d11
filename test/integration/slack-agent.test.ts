/**
 * The app's connection to Slack outlives a quiet spell: its Web API calls go through one undici
 * dispatcher that keeps an idle connection for a minute (undici's default drops it after 4 s, which
 * would cost a TLS handshake against slack.com after every pause). Calls one after another use a
 * single connection, and closing the connections ends it.
 */
import { WebClient } from '@slack/web-api';
import type { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { IDLE_CONNECTION_MS, slackConnections, type SlackConnections } from '../../src/adapters/slack/slack-agent.ts';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../../src/fakes/fake-slack.ts';
import { silentLogger } from '../support/silent-logger.ts';

let fake: FakeSlack | undefined;
let connections: SlackConnections | undefined;
afterEach(async () => {
  await connections?.close();
  await fake?.close();
  connections = undefined;
  fake = undefined;
});

/** The options an undici Agent was built with (it keeps them under a symbol named `options`). */
function optionsOf(agent: Agent): { keepAliveTimeout?: number; keepAliveMaxTimeout?: number } {
  const key = Object.getOwnPropertySymbols(agent).find((s) => s.description === 'options');
  if (!key) throw new Error('undici Agent without its options symbol: read how this undici keeps them');
  return (agent as unknown as Record<symbol, { keepAliveTimeout?: number; keepAliveMaxTimeout?: number }>)[key]!;
}

async function clientOnFake() {
  fake = await startFakeSlack();
  connections = slackConnections();
  const client = new WebClient(FAKE_BOT_TOKEN, {
    slackApiUrl: fake.apiUrl,
    fetch: connections.fetch,
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
  return { fake, connections, client };
}

describe('the connection to Slack', () => {
  it('keeps an idle connection for a minute', () => {
    const { dispatcher, close } = slackConnections();
    expect(IDLE_CONNECTION_MS).toBe(60_000);
    expect(optionsOf(dispatcher)).toMatchObject({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
    return close();
  });

  it('carries calls one after another over one connection', async () => {
    const { fake, client } = await clientOnFake();
    // undici hands a connection back to its pool a turn after the answer was read; a call made in
    // the same turn would open a second one. The app's calls are never that close.
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 5; i++) {
      await client.auth.test();
      await turn();
    }
    await client.chat.postMessage({ channel: 'CFINANCE01', text: 'one' });
    await turn();
    await client.chat.postMessage({ channel: 'CFINANCE01', text: 'two' });
    expect(fake.calls.filter((c) => c.result.ok)).toHaveLength(7);
    expect(fake.connectionsOpened).toBe(1);
  });

  it('(control) opens a connection per call when nothing keeps them', async () => {
    const { fake } = await clientOnFake();
    const client = new WebClient(FAKE_BOT_TOKEN, {
      slackApiUrl: fake.apiUrl,
      // Connection: close, as a client without keep-alive asks.
      fetch: (url, init) => globalThis.fetch(url, { ...init, headers: { ...init?.headers, connection: 'close' } }),
      logger: silentLogger,
      retryConfig: { retries: 0 },
    });
    for (let i = 0; i < 3; i++) await client.auth.test();
    expect(fake.connectionsOpened).toBe(3);
  });

  it('are closed by close(): a call after it fails', async () => {
    const { client, connections } = await clientOnFake();
    await client.auth.test();
    await connections.close();
    expect(connections.dispatcher.destroyed).toBe(true);
    await expect(client.auth.test()).rejects.toThrow();
  });
});
