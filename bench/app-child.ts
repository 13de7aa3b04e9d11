/**
 * The process under measurement: the real app (createApp, as main.ts builds it, with a counting silent
 * logger) or the baseline, a minimal Bolt app that only acks. Run by app-process.ts as
 * `node --expose-gc bench/app-child.ts`, driven over IPC, so that its CPU time, RSS
 * and timers are the app's alone: the fakes and the load generator live in the parent.
 *
 * IPC, parent -> child: {type:'start', kind:'app'|'baseline', env} | {type:'usage', id, gc?} |
 * {type:'peak-reset', id} | {type:'time-calls', id, calls} | {type:'stop', id}. Child -> parent:
 * {type:'started', port} | {type:'error', message} | {type:'reply', id, ...}.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { App, HTTPReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { createApp, type RunningApp } from '../src/app.ts';
import { ACTIONS } from '../src/adapters/slack/ids.ts';
import { requestModal } from '../src/adapters/slack/views/request-modal.ts';
import type { JsonLogger } from '../src/adapters/log/json-logger.ts';
import { loadConfig } from '../src/config.ts';
import type { PaymentsGateway } from '../src/core/ports.ts';
import type { CallLatencies, ChildReply, ChildRequest, ChildUsage, TimedCalls } from './app-protocol.ts';
import { median } from './stats.ts';
import { silentLogger } from '../test/support/silent-logger.ts';
import { createRedactor } from '../src/adapters/log/redactor.ts';

const send = (message: unknown) => process.send?.(message);

/** Counts warnings and errors by message (the diagnosis of a run); writes nothing. */
function countingLogger() {
  const counts: Record<string, number> = {};
  const redactor = createRedactor();
  const make = (bindings: Record<string, unknown>): JsonLogger => {
    const count = (level: string) => (message: string) => {
      const key = `${level}: ${message}`;
      counts[key] = (counts[key] ?? 0) + 1;
    };
    return {
      level: 'warn',
      redactor,
      debug: () => {},
      info: () => {},
      warn: count('warn'),
      error: count('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), counts };
}

/**
 * The baseline: Bolt over HTTP with the same signing secret and Slack URL; every listener only acks.
 * With `openModal`, `/dollr refund` then opens the app's refund modal, as the app must.
 */
async function startBaseline(
  env: Record<string, string>,
  openModal: boolean,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const receiver = new HTTPReceiver({
    signingSecret: env.SLACK_SIGNING_SECRET!,
    endpoints: '/slack/events',
    logger: silentLogger,
  });
  const app = new App({
    token: env.SLACK_BOT_TOKEN,
    receiver,
    logger: silentLogger,
    clientOptions: { slackApiUrl: env.SLACK_API_URL },
  });
  app.command('/dollr', async ({ ack, command, client }) => {
    await ack();
    if (openModal && command.text.startsWith('refund')) {
      await client.views
        .open({
          trigger_id: command.trigger_id,
          view: requestModal('refund', {}, { channelId: command.channel_id, cardChannelId: command.channel_id }),
        })
        .catch(() => undefined);
    }
  });
  app.action(ACTIONS.approve, async ({ ack }) => ack());
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  return { port: (server.address() as AddressInfo).port, stop: () => app.stop() as Promise<void> };
}

async function startApp(
  env: Record<string, string>,
  logger: JsonLogger,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const app = await createApp(loadConfig(env), { logger, host: '127.0.0.1' });
  const running: RunningApp = await app.start();
  const slack = new WebClient(env.SLACK_BOT_TOKEN, { slackApiUrl: env.SLACK_API_URL });
  timeCalls = (calls) => timeEach(calls, app.gateway, slack);
  return { port: running.port!, stop: () => running.stop() };
}

/** Median time of each kind of call on the approval path, made one after another as the app makes them. */
async function timeEach(calls: TimedCalls, dollr: PaymentsGateway, slack: WebClient): Promise<CallLatencies> {
  const { referenceId, originalPaymentIntentId } = calls.dollr;
  const posted = await slack.chat.postMessage({ channel: calls.slack.channel, text: 'timing' });
  const kinds: Record<string, () => Promise<unknown>> = {
    'slack chat.postMessage': () =>
      slack.chat.postMessage({ channel: calls.slack.channel, thread_ts: posted.ts, text: 'timing' }),
    'slack chat.update': () => slack.chat.update({ channel: calls.slack.channel, ts: posted.ts!, text: 'timing' }),
    'dollr GET /v1/status': () => dollr.getStatus('refund', referenceId),
    // A session moves no money; an execute would, so POST /v1/executions is taken to cost what this POST costs.
    'dollr POST /v1/sessions': () =>
      dollr.createRefundSession({
        originalPaymentIntentId,
        amount: '0.01',
        reason: 'timing',
        expiresAt: new Date(Date.now() + 600_000),
      }),
  };
  const latencies: CallLatencies = {};
  for (const [kind, call] of Object.entries(kinds)) {
    const times: number[] = [];
    for (let i = 0; i < calls.times; i++) {
      const started = performance.now();
      await call();
      times.push(performance.now() - started);
    }
    latencies[kind] = median(times);
  }
  return latencies;
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 100);
sampler.unref();

/**
 * The RSS once V8 has given back what a forced GC freed. V8 returns freed pages to the system on
 * background threads, so a reading taken right after gc() still counts them: seen while 1,000
 * requests were followed, 258 MB at once, 212 MB 10 ms later, 171 MB from 50 ms on. The lowest of
 * readings every 10 ms over 100 ms.
 */
async function rssAfterGc(): Promise<number> {
  let lowest = process.memoryUsage.rss();
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    lowest = Math.min(lowest, process.memoryUsage.rss());
  }
  return lowest;
}

/** RssAnon, RssFile and RssShmem of /proc/self/status, in bytes; zeros where there is no /proc. */
function rssSplit(): { rssAnon: number; rssFile: number; rssShmem: number } {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return { rssAnon: 0, rssFile: 0, rssShmem: 0 };
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile'), rssShmem: kb('RssShmem') };
}

async function usage(gc: boolean, counts: Record<string, number>): Promise<ChildUsage> {
  const collect = gc && typeof globalThis.gc === 'function';
  if (collect) {
    globalThis.gc!();
    globalThis.gc!();
  }
  const memory = process.memoryUsage();
  if (collect) memory.rss = await rssAfterGc();
  peakRss = Math.max(peakRss, memory.rss);
  const resources: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) resources[name] = (resources[name] ?? 0) + 1;
  const cpu = process.cpuUsage();
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rss: memory.rss,
    ...rssSplit(),
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    peakRss,
    timers: resources.Timeout ?? 0,
    resources,
    logs: { ...counts },
    gcAvailable: typeof globalThis.gc === 'function',
  };
}

let stopApp: (() => Promise<void>) | undefined;
let timeCalls: ((calls: TimedCalls) => Promise<CallLatencies>) | undefined;
const { logger, counts } = countingLogger();

process.on('message', (message: ChildRequest) => {
  void (async () => {
    const reply = (body: Omit<ChildReply, 'type' | 'id'>) =>
      send({ type: 'reply', id: 'id' in message ? message.id : 0, ...body });
    switch (message.type) {
      case 'start': {
        try {
          const started =
            message.kind === 'app'
              ? await startApp(message.env, logger)
              : await startBaseline(message.env, message.kind === 'baseline-modal');
          stopApp = started.stop;
          send({ type: 'started', port: started.port });
        } catch (error) {
          send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        }
        return;
      }
      case 'usage':
        return reply({ usage: await usage(message.gc ?? false, counts) });
      case 'time-calls':
        if (!timeCalls) return reply({});
        return reply({ latencies: await timeCalls(message.calls) });
      case 'peak-reset':
        peakRss = process.memoryUsage.rss();
        return reply({});
      case 'stop':
        await stopApp?.().catch(() => undefined);
        reply({});
        process.disconnect?.();
        setTimeout(() => process.exit(0), 50).unref();
        return;
    }
  })();
});
process.on('disconnect', () => process.exit(0));
