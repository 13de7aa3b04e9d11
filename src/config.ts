/**
 * The environment, parsed once at start-up by one zod schema. Every problem is reported at once,
 * each with what to do about it. Nothing else reads process.env (main.ts passes it in).
 */
import { z } from 'zod';
import { parseStoreUrl } from './adapters/store/store-url.ts';
import { CHECKPOINTS, type Checkpoint } from './core/ports.ts';

const slackUserId = /^[UW][A-Z0-9]{2,}$/;
const slackUserOrGroupId = /^[UWS][A-Z0-9]{2,}$/;
const slackChannelId = /^[CGD][A-Z0-9]{2,}$/;

/** A comma-separated list of Slack IDs; each entry that is not one is reported by name. */
const idList = (name: string, pattern: RegExp, what: string) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(pattern, { error: (issue) => `${name}: "${String(issue.input)}" is not ${what}.` })),
    );

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const millis = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number of milliseconds.` })
    .int(`${name} must be a whole number of milliseconds.`)
    .min(1, `${name} must be at least 1.`)
    .default(fallback);

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number.` })
    .int(`${name} must be a whole number.`)
    .min(0, `${name} must be between 0 and 65535.`)
    .max(65535, `${name} must be between 0 and 65535.`);

/** Loopback names and addresses: a local proxy or the tests' fakes may speak plain http there. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** An API base that carries secrets (tokens, the passcode): https, unless it stays on this machine. */
const secureUrl = (name: string) =>
  z.string().refine((url) => {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' || (protocol === 'http:' && LOOPBACK.test(hostname));
  }, `${name} must use https:// (plain http:// only on localhost): the app sends its tokens there.`);

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const DEFAULT_DOLLR_TIMEOUT_MS = 15_000;
const DEFAULT_LEASE_TTL_MS = 30_000;
export type LogLevel = (typeof LOG_LEVELS)[number];

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'SLACK_BOT_TOKEN is missing: set it to the Bot User OAuth Token (xoxb-...) from your Slack app.' })
    .trim()
    .startsWith('xoxb-', 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-.'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine(
    (v) => v === undefined || v.startsWith('xapp-'),
    'SLACK_APP_TOKEN must be an app-level token starting with xapp- (or unset for HTTP mode).',
  ),
  SLACK_API_URL: z
    .url('SLACK_API_URL must be a URL such as https://slack.com/api/.')
    .pipe(secureUrl('SLACK_API_URL'))
    .optional(),
  PORT: port('PORT').default(3000),
  METRICS_PORT: port('METRICS_PORT').optional(),
  DOLLR_API_URL: z
    .url('DOLLR_API_URL must be a URL such as https://api.heydollr.app.')
    .pipe(secureUrl('DOLLR_API_URL'))
    .default('https://api.heydollr.app'),
  DOLLR_CLIENT_ID: z
    .string({
      error: 'DOLLR_CLIENT_ID is missing: copy it from the Dollr merchant portal, Settings > Developer > API Keys.',
    })
    .trim()
    .min(1, 'DOLLR_CLIENT_ID is empty: copy it from the Dollr merchant portal.'),
  DOLLR_CLIENT_SECRET: z
    .string({
      error:
        'DOLLR_CLIENT_SECRET is missing: copy it from the Dollr merchant portal (shown once when the key is created).',
    })
    .min(1, 'DOLLR_CLIENT_SECRET is empty.'),
  DOLLR_PAYOUT_PASSCODE: optionalText,
  DOLLR_PAYOUT_PHONE: optionalText.refine(
    (v) => v === undefined || /^[1-9]\d{7,14}$/.test(v),
    'DOLLR_PAYOUT_PHONE must be digits in E.164 form without +, for example 231771234567.',
  ),
  DOLLR_PAYOUT_USER_ID: optionalText,
  APPROVERS: z
    .string({
      error: 'APPROVERS is missing: list the Slack user IDs allowed to approve, comma-separated (U0123ABCD,U0456EFGH).',
    })
    .pipe(
      idList(
        'APPROVERS',
        slackUserOrGroupId,
        'a Slack user ID such as U0123ABCD (a profile: ⋮ > Copy member ID) or a user group ID such as S0123ABCD',
      ).pipe(z.array(z.string()).min(1, 'APPROVERS is empty: list at least one Slack user ID.')),
    ),
  APPROVAL_CHANNEL: optionalText.refine(
    (v) => v === undefined || slackChannelId.test(v),
    'APPROVAL_CHANNEL must be a channel ID such as C0123ABCD (channel details > About), not a name.',
  ),
  APPROVAL_POLICY: optionalText,
  ADMINS: idList('ADMINS', slackUserId, 'a Slack user ID such as U0123ABCD').optional(),
  ALLOWED_CHANNELS: idList('ALLOWED_CHANNELS', slackChannelId, 'a channel ID such as C0123ABCD').optional(),
  REQUESTS_PER_MINUTE: z.coerce
    .number({ error: 'REQUESTS_PER_MINUTE must be a number.' })
    .int('REQUESTS_PER_MINUTE must be a whole number.')
    .min(1, 'REQUESTS_PER_MINUTE must be at least 1.')
    .default(30),
  PENDING_EXPIRES_AFTER_MS: millis('PENDING_EXPIRES_AFTER_MS', 24 * 60 * 60_000),
  REMIND_AFTER_MS: millis('REMIND_AFTER_MS', 4 * 60 * 60_000),
  DOLLR_TRANSFER_WALLET_ID: optionalText
    .refine(
      (v) => v === undefined || /^[1-9]\d{0,14}$/.test(v),
      'DOLLR_TRANSFER_WALLET_ID must be the Dollr ID of the merchant wallet transfers are paid from, such as 501 ' +
        '(a whole number), or empty to refuse transfers.',
    )
    .transform((v) => (v === undefined ? undefined : Number(v))),
  DOLLR_PAYOUT_METHOD: optionalText.refine(
    (v) => v === undefined || /^[A-Z_]+$/.test(v),
    'DOLLR_PAYOUT_METHOD must be a Dollr payment method such as MTN_MOMO_LBR or WALLET.',
  ),
  STORE_URL: optionalText.superRefine((url, context) => {
    try {
      parseStoreUrl(url);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  DOLLR_POLL_INTERVAL_MS: millis('DOLLR_POLL_INTERVAL_MS', 3000),
  DOLLR_TIMEOUT_MS: millis('DOLLR_TIMEOUT_MS', DEFAULT_DOLLR_TIMEOUT_MS),
  DOLLR_RETRY_INITIAL_MS: millis('DOLLR_RETRY_INITIAL_MS', 1000),
  DOLLR_RETRY_MAX_MS: millis('DOLLR_RETRY_MAX_MS', 30_000),
  SLACK_POSTS_PER_SECOND: z.coerce
    .number({ error: 'SLACK_POSTS_PER_SECOND must be a number.' })
    .positive('SLACK_POSTS_PER_SECOND must be above 0.')
    .default(1),
  SLACK_UPDATES_PER_MINUTE: z.coerce
    .number({ error: 'SLACK_UPDATES_PER_MINUTE must be a number.' })
    .positive('SLACK_UPDATES_PER_MINUTE must be above 0.')
    .default(50),
  SLACK_POST_BURST: z.coerce
    .number({ error: 'SLACK_POST_BURST must be a number.' })
    .int('SLACK_POST_BURST must be a whole number.')
    .min(1, 'SLACK_POST_BURST must be at least 1.')
    .default(4),
  NEEDS_ATTENTION_AFTER_MS: millis('NEEDS_ATTENTION_AFTER_MS', 24 * 60 * 60_000),
  LEASE_TTL_MS: millis('LEASE_TTL_MS', DEFAULT_LEASE_TTL_MS),
  SWEEP_INTERVAL_MS: millis('SWEEP_INTERVAL_MS', 15_000),
  DOLLR_SLACK_CRASH_AT: z
    .enum(CHECKPOINTS, {
      error: `DOLLR_SLACK_CRASH_AT is for tests only; when set it must be one of ${CHECKPOINTS.join(', ')}.`,
    })
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.` }).default('info'),
});

/** What .env.example holds until it is filled in: `your-...` values and its example IDs. */
const PLACEHOLDER = /your[-_]|^(changeme|placeholder|todo|x+)$/i;
const EXAMPLE_IDS = new Set(['U0123ABCD', 'U0456EFGH']);
const FILLED_IN: Record<string, string> = {
  SLACK_BOT_TOKEN: 'the Bot User OAuth Token (OAuth & Permissions, xoxb-...)',
  SLACK_SIGNING_SECRET: 'the Signing Secret (Basic Information), or leave it empty in Socket Mode',
  SLACK_APP_TOKEN:
    'an app-level token (Basic Information > App-Level Tokens, xapp-...), or leave it empty for HTTP mode',
  DOLLR_CLIENT_ID: 'the client ID from the Dollr merchant portal (Settings > Developer > API Keys)',
  DOLLR_CLIENT_SECRET: 'the client secret from the Dollr merchant portal',
  DOLLR_PAYOUT_PASSCODE: 'the merchant passcode, or leave it empty to refuse payouts',
  APPROVERS: "your approvers' Slack user IDs (a profile: ⋮ > Copy member ID)",
  ADMINS: "your admins' Slack user IDs, or leave it empty",
};

/**
 * Variables still holding a placeholder from .env.example, by name: refused before anything is
 * called, so that a copied, unfilled file ends in this one list instead of a call to slack.com.
 */
function placeholderProblems(env: Record<string, string | undefined>): Map<string, string> {
  const problems = new Map<string, string>();
  for (const [name, fill] of Object.entries(FILLED_IN)) {
    const value = env[name]?.trim() ?? '';
    const ids = value.split(',').map((id) => id.trim());
    if (PLACEHOLDER.test(value) || ids.some((id) => EXAMPLE_IDS.has(id))) {
      problems.set(name, `${name} still holds the example from .env.example: set it to ${fill}.`);
    }
  }
  return problems;
}

/**
 * Rules that tie variables together. Run on the raw environment, so that they are reported together
 * with every other problem (zod skips an object's refinements when a field already failed).
 */
function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (!set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET is missing: set it (Basic Information > Signing Secret) for HTTP mode, ' +
        'or set SLACK_APP_TOKEN for Socket Mode.',
    );
  }
  if (set('METRICS_PORT') && env.METRICS_PORT?.trim() !== '0' && env.METRICS_PORT?.trim() === env.PORT?.trim()) {
    problems.push('METRICS_PORT is the same as PORT: leave METRICS_PORT unset to serve /metrics on PORT.');
  }
  if (set('DOLLR_SLACK_CRASH_AT') && env.NODE_ENV?.trim() !== 'test') {
    problems.push(
      'DOLLR_SLACK_CRASH_AT makes the process kill itself, for the fault tests only: ' +
        'unset it (it is honoured only with NODE_ENV=test).',
    );
  }
  const passcode = set('DOLLR_PAYOUT_PASSCODE');
  const phone = set('DOLLR_PAYOUT_PHONE');
  const userId = set('DOLLR_PAYOUT_USER_ID');
  if (passcode && phone && userId) problems.push('Set DOLLR_PAYOUT_PHONE or DOLLR_PAYOUT_USER_ID, not both.');
  if (!passcode && (phone || userId)) {
    problems.push(
      'DOLLR_PAYOUT_PASSCODE is missing: payouts need it together with DOLLR_PAYOUT_PHONE or DOLLR_PAYOUT_USER_ID.',
    );
  }
  const ms = (name: string, fallback: number) => (set(name) ? Number(env[name]) : fallback);
  const leaseTtl = ms('LEASE_TTL_MS', DEFAULT_LEASE_TTL_MS);
  const dollrTimeout = ms('DOLLR_TIMEOUT_MS', DEFAULT_DOLLR_TIMEOUT_MS);
  if (Number.isFinite(leaseTtl) && Number.isFinite(dollrTimeout) && leaseTtl < 2 * dollrTimeout) {
    problems.push(
      `LEASE_TTL_MS (${leaseTtl}) must be at least twice DOLLR_TIMEOUT_MS (${dollrTimeout}): ` +
        'an execute is sent only while the lease will outlast the call, ' +
        'so that no other replica can take the request over while it is under way. Raise LEASE_TTL_MS.',
    );
  }
  if (passcode && !phone && !userId) {
    problems.push(
      'DOLLR_PAYOUT_PASSCODE needs DOLLR_PAYOUT_PHONE or DOLLR_PAYOUT_USER_ID ' +
        '(the phone or user tied to the passcode in the Dollr portal).',
    );
  }
  return problems;
}

export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /** Pace of the app's messages into one channel (Slack allows about one per second, with bursts). */
    postsPerSecond: number;
    updatesPerMinute: number;
    burst: number;
  };
  port: number;
  /** Where GET /metrics is served when not on `port` beside the health routes. */
  metricsPort?: number;
  dollr: {
    apiUrl: string;
    clientId: string;
    clientSecret: string;
    timeoutMs: number;
    pollIntervalMs: number;
    /** Backoff between tries of a Dollr call that failed unclearly: first wait, doubling up to the max. */
    retryInitialMs: number;
    retryMaxMs: number;
    /** Absent: payouts are refused with a clear message; refunds still work. */
    payoutPasscode?: { code: string; phone?: string; userId?: string };
    /** Payment method of the payout accounts, for Dollr's fee estimate; absent: no estimate. */
    payoutMethod?: string;
    transferWalletId?: number;
  };
  /** User IDs (U…, W…) and user group IDs (S…). */
  approvers: string[];
  /** Path of the YAML approval policy; absent: one approval from APPROVERS. */
  approvalPolicyFile?: string;
  /** Who may freeze and unfreeze executions. */
  admins: string[];
  /** When set, the only channels where /dollr works. */
  allowedChannels?: string[];
  requestsPerMinute: number;
  pendingExpiresAfterMs: number;
  remindAfterMs: number;
  approvalChannel?: string;
  storeUrl?: string;
  logLevel: LogLevel;
  /** Approved but not final for this long: the thread says so and the request needs attention. */
  needsAttentionAfterMs: number;
  /** Replicas coordinate through leases on each request; a dead holder's lease expires after this. */
  leaseTtlMs: number;
  /** How often each replica looks for work nobody holds (recovery, takeover). */
  sweepIntervalMs: number;
  /** Test only: the process kills itself (SIGKILL) when it reaches this point. */
  crashAt?: Checkpoint;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `The configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        "See .env.example and the README's Configuration section.",
    );
    this.problems = problems;
  }
}

/** Parses the environment. Throws ConfigError listing every problem. */
export function loadConfig(rawEnv: Record<string, string | undefined>): Config {
  // An empty variable (`PORT=` in a copied .env.example) means "not set": the default applies.
  const env = Object.fromEntries(
    Object.entries(rawEnv).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(env);
  const placeholders = placeholderProblems(env);
  const problems = [
    ...placeholders.values(),
    // A placeholder is the one problem said about its variable.
    ...(parsed.success ? [] : parsed.error.issues.filter((i) => !placeholders.has(String(i.path[0])))).map(
      (issue) => issue.message,
    ),
    ...crossFieldProblems(env),
  ];
  // Once each: a bad ID listed twice is one thing to fix.
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      // @slack/web-api appends the method name to this base, so it must end with a slash.
      apiUrl: e.SLACK_API_URL?.replace(/\/*$/, '/'),
      postsPerSecond: e.SLACK_POSTS_PER_SECOND,
      updatesPerMinute: e.SLACK_UPDATES_PER_MINUTE,
      burst: e.SLACK_POST_BURST,
    },
    port: e.PORT,
    metricsPort: e.METRICS_PORT,
    dollr: {
      apiUrl: e.DOLLR_API_URL.replace(/\/+$/, ''),
      clientId: e.DOLLR_CLIENT_ID,
      clientSecret: e.DOLLR_CLIENT_SECRET,
      timeoutMs: e.DOLLR_TIMEOUT_MS,
      pollIntervalMs: e.DOLLR_POLL_INTERVAL_MS,
      retryInitialMs: e.DOLLR_RETRY_INITIAL_MS,
      retryMaxMs: e.DOLLR_RETRY_MAX_MS,
      payoutPasscode: e.DOLLR_PAYOUT_PASSCODE
        ? { code: e.DOLLR_PAYOUT_PASSCODE, phone: e.DOLLR_PAYOUT_PHONE, userId: e.DOLLR_PAYOUT_USER_ID }
        : undefined,
      payoutMethod: e.DOLLR_PAYOUT_METHOD,
      transferWalletId: e.DOLLR_TRANSFER_WALLET_ID,
    },
    approvers: e.APPROVERS,
    approvalPolicyFile: e.APPROVAL_POLICY,
    admins: e.ADMINS ?? [],
    allowedChannels: e.ALLOWED_CHANNELS && e.ALLOWED_CHANNELS.length > 0 ? e.ALLOWED_CHANNELS : undefined,
    requestsPerMinute: e.REQUESTS_PER_MINUTE,
    pendingExpiresAfterMs: e.PENDING_EXPIRES_AFTER_MS,
    remindAfterMs: e.REMIND_AFTER_MS,
    approvalChannel: e.APPROVAL_CHANNEL,
    storeUrl: e.STORE_URL,
    logLevel: e.LOG_LEVEL,
    needsAttentionAfterMs: e.NEEDS_ATTENTION_AFTER_MS,
    leaseTtlMs: e.LEASE_TTL_MS,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    crashAt: e.DOLLR_SLACK_CRASH_AT,
  };
}

/** Every configured secret, for the log redactor. */
export function secretsOf(config: Config): string[] {
  return [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.dollr.clientSecret,
    config.dollr.payoutPasscode?.code,
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
