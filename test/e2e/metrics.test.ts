/**
 * GET /metrics, scraped as Prometheus would before, during and after a refund: the figures move
 * as the flow did, every label is from a fixed set (no secret, no ID of a request or a person, no
 * text a user typed), and METRICS_PORT moves the route off the Slack-facing port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_BOT_TOKEN } from '../../src/fakes/fake-slack.ts';
import {
  APPROVER,
  CHANNEL,
  DOLLR_CLIENT_SECRET,
  person,
  REQUESTER,
  SIGNING_SECRET,
  startSystem,
  type System,
  waitForCard,
  waitForThread,
} from '../support/system.ts';

let system: System | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/**
 * Scrapes until `ready` holds (at most 100 times, 10 ms apart): the fake records a Slack call as it
 * answers it, the app counts the call once it has read the answer.
 */
async function scrapeUntil(port: number | undefined, ready: (s: Awaited<ReturnType<typeof scrape>>) => boolean) {
  let now = await scrape(port);
  for (let polls = 0; polls < 100 && !ready(now); polls++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    now = await scrape(port);
  }
  return now;
}

/** One scrape: the raw text and its samples by series (`name{labels}` as printed). */
async function scrape(port: number | undefined) {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { text, value: (series: string) => samples.get(series) ?? 0 };
}

describe('GET /metrics', () => {
  it('moves with a refund from request to completion, with no secret or user text in it', async () => {
    system = await startSystem();
    const port = system.running.metricsPort;
    expect(port).toBe(system.running.port);
    const before = await scrape(port);
    expect(before.text).toContain('nodejs_eventloop_lag_seconds');
    expect(before.text).toContain('process_resident_memory_bytes');

    const card = await person(system, REQUESTER).request('refund 4411 25.50 duplicate charge for order 77');
    const waiting = await scrape(port);
    expect(waiting.value('dollr_slack_requests{operation="refund",state="awaiting_approval"}')).toBe(1);
    expect(
      waiting.value('dollr_slack_request_transitions_total{operation="refund",state="awaiting_approval"}') -
        before.value('dollr_slack_request_transitions_total{operation="refund",state="awaiting_approval"}'),
    ).toBe(1);

    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /COMPLETED/);
    await waitForCard(system, card, 'Completed');
    await system.slack.waitFor(async () => {
      const now = await scrape(port);
      return now.value('dollr_slack_outbox_backlog_events') === 0 || undefined;
    });
    const after = await scrape(port);
    const moved = (series: string) => after.value(series) - before.value(series);

    expect(moved('dollr_slack_request_transitions_total{operation="refund",state="approved"}')).toBe(1);
    expect(moved('dollr_slack_request_transitions_total{operation="refund",state="completed"}')).toBe(1);
    expect(after.value('dollr_slack_requests{operation="refund",state="awaiting_approval"}')).toBe(0);
    expect(after.value('dollr_slack_requests_needing_attention')).toBe(0);
    expect(after.value('dollr_slack_outbox_oldest_untold_seconds')).toBe(0);
    const dollrCalls = (endpoint: string) =>
      moved(`dollr_slack_dollr_call_duration_seconds_count{endpoint="${endpoint}",outcome="ok"}`);
    expect(dollrCalls('POST /v1/sessions/refund')).toBe(1);
    expect(dollrCalls('POST /v1/executions/refund')).toBe(1);
    expect(dollrCalls('GET /v1/status/refund/{reference_id}')).toBeGreaterThanOrEqual(1);
    expect(moved('dollr_slack_status_polls_total{operation="refund",result="COMPLETED"}')).toBeGreaterThanOrEqual(1);
    expect(moved('dollr_slack_slack_lane_wait_seconds_count{lane="channel"}')).toBeGreaterThanOrEqual(3);
    expect(moved('dollr_slack_slack_lane_wait_seconds_count{lane="card_updates"}')).toBeGreaterThanOrEqual(1);
    expect(moved('dollr_slack_store_operation_duration_seconds_count{operation="replace"}')).toBeGreaterThan(0);
    expect(after.value('dollr_slack_store_errors_total{operation="replace"}')).toBe(0);

    // Every Web API call, as Slack answered it: here all ok.
    const okCalls = (method: string) =>
      system!.slack.calls.filter((c) => c.method === method && c.result.ok && !c.rateLimited).length;
    const slackOk = (scraped: typeof after, method: string) =>
      scraped.value(`dollr_slack_slack_call_duration_seconds_count{method="${method}",outcome="ok"}`) -
      before.value(`dollr_slack_slack_call_duration_seconds_count{method="${method}",outcome="ok"}`);
    const counted = await scrapeUntil(port, (now) =>
      ['chat.postMessage', 'chat.update'].every((method) => slackOk(now, method) === okCalls(method)),
    );
    expect(slackOk(counted, 'chat.postMessage')).toBe(okCalls('chat.postMessage'));
    expect(slackOk(counted, 'chat.postMessage')).toBeGreaterThanOrEqual(3); // The card and its thread replies.
    expect(slackOk(counted, 'chat.update')).toBe(okCalls('chat.update'));
    expect(slackOk(counted, 'views.open')).toBe(1);
    expect(counted.text).not.toMatch(/dollr_slack_slack_call_duration_seconds_count\{[^}]*outcome="(?!ok")/);

    const [execution] = system.dollr.executions();
    for (const secret of [SIGNING_SECRET, FAKE_BOT_TOKEN, DOLLR_CLIENT_SECRET, '123456']) {
      expect(after.text).not.toContain(secret);
    }
    const personals = [
      'duplicate charge',
      REQUESTER,
      APPROVER,
      CHANNEL,
      card.requestId,
      execution!.referenceId,
      '4411',
    ];
    for (const personal of personals) {
      expect(after.text).not.toContain(personal);
    }
  });

  it("counts Slack's 429s and refusals by method, apart from the calls that went through", async () => {
    system = await startSystem();
    const port = system.running.port;
    const before = await scrape(port);
    // The card's first post is refused with a 429; the outbox waits Retry-After and posts it again.
    system.slack.inject({ method: 'chat.postMessage', fault: { kind: 'rate_limit', retryAfterSeconds: 1 } });
    const card = await person(system, REQUESTER).request('refund 4411 12.00 rate limited');
    // The approval's reply in the thread is refused for good: Slack's error code is the outcome.
    system.slack.inject({ method: 'chat.postMessage', fault: { kind: 'error', error: 'is_archived' } });
    await person(system, APPROVER).press(card, 'approve');
    const calls = (outcome: string) =>
      `dollr_slack_slack_call_duration_seconds_count{method="chat.postMessage",outcome="${outcome}"}`;
    await system.slack.waitFor((s) => s.calls.find((c) => c.result.error === 'is_archived'));
    const after = await scrapeUntil(port, (now) => now.value(calls('is_archived')) > 0);
    const moved = (series: string) => after.value(series) - before.value(series);
    expect(moved(calls('rate_limited'))).toBe(1);
    expect(moved(calls('is_archived'))).toBe(1);
    expect(moved(calls('ok'))).toBeGreaterThanOrEqual(1);
    expect(system.slack.calls.some((c) => c.method === 'chat.postMessage' && c.fault?.kind === 'rate_limit')).toBe(
      true,
    );
  });

  it('answers on METRICS_PORT when set, and not on the Slack-facing port', async () => {
    system = await startSystem({ env: { METRICS_PORT: '0' } });
    const { port, metricsPort } = system.running;
    expect(metricsPort).not.toBe(port);
    expect((await scrape(metricsPort)).text).toContain('dollr_slack_requests_needing_attention');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });
});
