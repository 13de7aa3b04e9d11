/**
 * Redaction: by field for secret-bearing fields whatever their length (a 4-digit passcode), by value
 * for long secrets (and the Dollr access token, learnt at run time), by shape for Slack's tokens,
 * response URLs, trigger IDs and Socket Mode tickets. Ordinary text stays readable.
 */
import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/adapters/log/json-logger.ts';
import { FAKE_BOT_TOKEN } from '../../src/fakes/fake-slack.ts';
import { APPROVER, person, REQUESTER, SIGNING_SECRET, startSystem, waitForThread } from '../support/system.ts';

function capture(secrets: string[]) {
  const lines: string[] = [];
  const logger = createJsonLogger({ level: 'debug', secrets, write: (line) => lines.push(line) });
  return { logger, lines };
}

describe('redaction', () => {
  it('hides a short passcode by field and leaves the same digits elsewhere alone', () => {
    const { logger, lines } = capture(['1234']);
    logger.info('payout of amount 1234.00', { passcode: { code: '1234', phone: '231771234567' }, note: 'x' });
    expect(lines[0]).toContain('amount 1234.00');
    expect(lines[0]).toContain('"passcode":"[REDACTED]"');
    expect(lines[0]).not.toMatch(/"code":"1234"/);
  });

  it('hides secret-bearing fields, long secrets anywhere, and a token learnt while running', () => {
    const { logger, lines } = capture(['a-long-client-secret-value']);
    logger.warn('call failed: a-long-client-secret-value was refused', {
      client_secret: 'short',
      authorization: 'Bearer abc',
    });
    logger.redactor.add('eyJhbGciOiJIUzI1NiJ9.learnt-token');
    logger.child({ component: 'dollr' }).info('token eyJhbGciOiJIUzI1NiJ9.learnt-token in use');
    expect(lines.join('\n')).not.toMatch(/a-long-client-secret-value|short|Bearer abc|learnt-token/);
  });

  it("hides Slack's tokens, response URLs, trigger IDs and tickets inside texts", () => {
    const { logger, lines } = capture([]);
    logger.debug(
      'http request body: {"trigger_id":"1234.5678.abcdef","response_url":"https://hooks.slack.com/commands/T1/2/x"} ' +
        'token=xoxb-1-2-secret ticket wss://wss.slack.com/link/?ticket=abc-123&app_id=A1 ' +
        'form trigger_id=99.88.77&response_url=https%3A%2F%2Fhooks.slack.com%2Factions%2FT1%2F9',
    );
    const line = lines.join('\n');
    for (const leaked of ['1234.5678.abcdef', 'hooks.slack.com/commands', 'xoxb-1-2', 'abc-123', '99.88.77']) {
      expect(line).not.toContain(leaked);
    }
    expect(line).toContain('app_id=A1');
  });

  it('keeps response URLs, trigger IDs and every secret out of the logs of a flow at debug', async () => {
    const system = await startSystem({ env: { LOG_LEVEL: 'debug' } });
    try {
      const card = await person(system, REQUESTER).request('payout 7 10 USD supplies');
      await person(system, APPROVER).press(card, 'approve');
      await waitForThread(system, card, /COMPLETED/);
      const { responseUrl } = await person(system, REQUESTER).command(`status ${card.requestId}`);
      await system.slack.waitFor((s) => s.responseUrlPosts().find((p) => p.url === responseUrl));
      const logs = system.logLines.join('\n');
      const token = String(system.dollr.calls.find((c) => c.headers.authorization)!.headers.authorization).slice(7);
      const triggerIds = system.slack.calls.filter((c) => c.method === 'views.open').map((c) => c.args.trigger_id);
      expect(triggerIds).toHaveLength(1);
      // Bolt logs whole envelopes at debug: the secrets would be there if redaction missed them.
      expect(logs).toContain('[REDACTED]');
      for (const leaked of [FAKE_BOT_TOKEN, SIGNING_SECRET, token, String(triggerIds[0]), responseUrl]) {
        expect(logs).not.toContain(leaked);
      }
    } finally {
      await system.stop();
    }
  });
});
