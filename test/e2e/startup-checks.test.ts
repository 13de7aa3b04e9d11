/**
 * A start checks Dollr's credentials with a token request: refused credentials stop it with what to
 * check; an unreachable Dollr lets it start, with a warning in the log and in /metrics. It checks
 * Slack's bot token with auth.test, within a deadline: a Slack that takes the connection and never
 * answers, or that cannot be reached, stops the start blaming the network, never the token.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FAKE_APP_TOKEN, FAKE_BOT_TOKEN } from '../../src/fakes/fake-slack.ts';
import { StartupError } from '../../src/startup-checks.ts';
import { startSystem } from '../support/system.ts';

/** A port nothing listens on. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never says a word; counts the connections it took. */
async function silentServer() {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    accepted: () => sockets.length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A Slack API that accepts the bot token and then never answers apps.connections.open (Socket Mode's first call). */
async function slackThatStallsSocketMode() {
  const stalled: Array<{ destroy(): void }> = [];
  const server = createHttpServer((req, res) => {
    if (req.url?.endsWith('/auth.test')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ok: true,
          url: 'https://t.slack.com/',
          team: 'T',
          user: 'dollr',
          team_id: 'T0TEAM01',
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        }),
      );
      return;
    }
    stalled.push(res.socket!);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    stalled: () => stalled.length,
    close: async () => {
      for (const socket of stalled) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('start-up checks', () => {
  it('stop the start when Dollr refuses the client credentials, naming the settings', async () => {
    const started = startSystem({ dollr: { clientSecret: 'another-secret-entirely' } });
    await expect(started).rejects.toBeInstanceOf(StartupError);
    await expect(started).rejects.toThrow(
      /Dollr refused the client credentials .*DOLLR_CLIENT_ID and DOLLR_CLIENT_SECRET/,
    );
  });

  it('start with a warning when Dollr cannot be reached, and say so in /metrics', async () => {
    const port = await refusedPort();
    const system = await startSystem({ env: { DOLLR_API_URL: `http://127.0.0.1:${port}` } });
    try {
      expect(system.logLines.some((l) => l.includes('dollr could not be reached at start'))).toBe(true);
      const metrics = await (await fetch(`http://127.0.0.1:${system.running.port}/metrics`)).text();
      expect(metrics).toMatch(/^dollr_slack_dollr_reachable 0$/m);
    } finally {
      await system.stop();
    }
  });

  it('stop the start when Slack takes the connection and never answers auth.test, within the deadline', async () => {
    const silent = await silentServer();
    try {
      const started = startSystem({
        env: { SLACK_API_URL: silent.url },
        overrides: { slackStartDeadlineMs: 300 },
      });
      await expect(started).rejects.toBeInstanceOf(StartupError);
      await expect(started).rejects.toThrow(
        `Slack did not answer auth.test within 0.3 s at ${silent.url}. Check SLACK_API_URL and the network.`,
      );
      await expect(started).rejects.not.toThrow(/SLACK_BOT_TOKEN/);
      expect(silent.accepted()).toBeGreaterThanOrEqual(1);
    } finally {
      await silent.close();
    }
  });

  it('say Slack could not be reached, not that the token is wrong, when its port refuses', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}/api/`;
    const started = startSystem({ env: { SLACK_API_URL: url } });
    await expect(started).rejects.toBeInstanceOf(StartupError);
    await expect(started).rejects.toThrow(`Could not reach Slack at ${url} (ECONNREFUSED). Check SLACK_API_URL`);
    await expect(started).rejects.not.toThrow(/SLACK_BOT_TOKEN/);
  });

  it('blame SLACK_BOT_TOKEN when Slack refuses it', async () => {
    // The fake Slack accepts another bot token than the one the app was given.
    const started = startSystem({ slack: { botToken: `${FAKE_BOT_TOKEN}-rotated` } });
    await expect(started).rejects.toThrow(/^Slack did not accept SLACK_BOT_TOKEN \(auth.test: invalid_auth\)/);
  });

  it("stop the start when Socket Mode's first connection never answers, within the deadline", async () => {
    const slack = await slackThatStallsSocketMode();
    try {
      const started = startSystem({
        env: { SLACK_APP_TOKEN: FAKE_APP_TOKEN, SLACK_SIGNING_SECRET: undefined, SLACK_API_URL: slack.url },
        overrides: { slackStartDeadlineMs: 300 },
      });
      await expect(started).rejects.toBeInstanceOf(StartupError);
      await expect(started).rejects.toThrow(/^Slack did not answer apps.connections.open within 0.3 s/);
      expect(slack.stalled()).toBeGreaterThanOrEqual(1);
    } finally {
      await slack.close();
    }
  });

  it('blame SLACK_APP_TOKEN when Slack refuses it for Socket Mode', async () => {
    const started = startSystem({
      env: { SLACK_APP_TOKEN: FAKE_APP_TOKEN, SLACK_SIGNING_SECRET: undefined },
      slack: { appToken: `${FAKE_APP_TOKEN}-rotated` },
    });
    await expect(started).rejects.toThrow(
      /^Slack did not accept SLACK_APP_TOKEN \(apps.connections.open: invalid_auth\)/,
    );
  });
});
