/**
 * The approval policy file's one zod schema: parsed YAML in, PolicyConfig out. Every message says what
 * is expected, so that the loader can print "place: message" lines a person can act on.
 * The checks that tie fields together are in policy-checks.ts; they run even when a field failed,
 * so that one start-up reports every problem of the file at once.
 */
import { z } from 'zod';
import { approverSetFrom, type PolicyConfig } from '../../core/approval/approval-policy.ts';
import { CURRENCIES, parseAmount, toMinor } from '../../core/request/money.ts';
import { ANY_CURRENCY, checkPolicyFile } from './policy-checks.ts';

const OPERATIONS = ['refund', 'payout', 'transfer'] as const;
const MAX_APPROVERS_REQUIRED = 10;

const SLACK_ID = /^(?:[UW][A-Z0-9]{2,}|S[A-Z0-9]{2,})$/;

/** A zod error callback: one message when the field is absent, another when it is wrong. */
const says = (missing: string, wrong: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? missing : wrong;

/** strictObject that names unknown keys (a typo such as `max_ammount` must not be silently ignored). */
const mapping = <Shape extends z.ZodRawShape>(shape: Shape, what: string) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')}: ` +
          `${what} takes ${Object.keys(shape).join(', ')}`
        : `must be ${what} with ${Object.keys(shape).join(', ')}`,
  });

const slackId = z
  .string({
    error: (issue) => `must be a Slack user ID (U…, W…) or user group ID (S…), not ${JSON.stringify(issue.input)}`,
  })
  .regex(SLACK_ID, {
    error: (issue) =>
      "must be a Slack user ID (U…, W…: a profile's ⋮ > Copy member ID) or user group ID (S…), such as U0123ABCD; " +
      `${JSON.stringify(issue.input)} is neither`,
  });

/** A list of IDs, or one ID, or IDs separated by commas as in APPROVERS. Never empty: a level must name someone. */
const idList = z
  .union([z.string(), z.array(z.unknown())], { error: 'must be a list of Slack IDs, such as [S0FINANCE, U0123ABCD]' })
  .transform((value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean)
      : value,
  )
  .pipe(z.array(slackId).min(1, 'names nobody: list at least one user (U…, W…) or user group (S…)'));

/** Amounts as YAML numbers or strings ("500", 500.5, "1,250.00"), with at most 2 decimals, in minor units. */
const amount = (zeroAllowed: boolean) => {
  const expected =
    `must be an amount ${zeroAllowed ? 'of 0 or more' : 'above 0'} ` +
    'with at most 2 decimals, such as 500 or 1250.50';
  return z
    .union([z.number(), z.string()], { error: says('is missing: give an amount such as 500', expected) })
    .transform((value, ctx) => {
      const text = String(value).trim();
      if (zeroAllowed && /^0+(?:\.0{1,2})?$/.test(text)) return 0;
      const parsed = parseAmount(text);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: `${expected}, not ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      return toMinor(parsed);
    });
};

const WHOLE = `must be a whole number from 1 to ${MAX_APPROVERS_REQUIRED}`;
// A refine rather than .int(): zod stops an object's refinements after a failed .int(), and the
// cross-field checks must still run to report every problem at once.
const approversRequired = z
  .number({
    error: says(`is missing: say how many distinct approvers this tier needs (1 to ${MAX_APPROVERS_REQUIRED})`, WHOLE),
  })
  .refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_APPROVERS_REQUIRED, WHOLE);

const tier = mapping(
  {
    above: amount(true),
    approvers_required: approversRequired,
    levels: z
      .array(idList, {
        error: 'must be a list with one approver list per approval, in order, such as [[S0FINANCE], [U0CFO00001]]',
      })
      .optional(),
  },
  'a tier',
);

const rule = mapping(
  {
    operation: z.enum(OPERATIONS, {
      error: says('is missing: say refund, payout or transfer', 'must be refund, payout or transfer'),
    }),
    currency: z
      .enum([...CURRENCIES, ANY_CURRENCY], { error: `must be one of ${CURRENCIES.join(', ')} or ${ANY_CURRENCY}` })
      .optional(),
    approvers: idList.optional(),
    max_amount: amount(false).optional(),
    daily_limit: amount(false).optional(),
    tiers: z.array(tier, { error: 'must be a list of tiers, each with above and approvers_required' }).optional(),
  },
  'a rule',
);

/** A payee's name fits Slack's select option (75 characters) with its account and currency beside it. */
const PAYEE_NAME_MAX = 50;
const PAYEE_NOTE_MAX = 150;
/** Slack's static select holds at most 100 options (payees, and counterparties). */
const PAYEES_MAX = 100;

/** A name approvers know, shown in a form's list. */
const partyName = (who: string, form: string) =>
  z
    .string({ error: says(`is missing: name the ${who} as approvers know them`, 'must be text') })
    .trim()
    .min(1, `is empty: name the ${who} as approvers know them`)
    .max(PAYEE_NAME_MAX, `must be at most ${PAYEE_NAME_MAX} characters (it shows in the ${form} form's list)`);

const dollrId = (what: string) =>
  z
    .number({ error: says(`is missing: give Dollr's ${what}, such as 7`, 'must be a whole number') })
    .refine((n) => Number.isSafeInteger(n) && n >= 1, `must be Dollr's ${what}, a whole number such as 7`);

const partyCurrency = z.enum(CURRENCIES, { error: `must be one of ${CURRENCIES.join(', ')}` });
const partyNote = z.string().trim().max(PAYEE_NOTE_MAX, `must be at most ${PAYEE_NOTE_MAX} characters`).optional();

const payee = mapping(
  {
    name: partyName('payee', 'payout'),
    payout_account_id: dollrId('payout account ID'),
    currency: partyCurrency,
    note: partyNote,
  },
  'a payee',
);

/** A counterparty transfers may go to: Dollr's counterparty ID, named; paid in the one currency given. */
const counterparty = mapping(
  {
    name: partyName('counterparty', 'transfer'),
    counterparty_id: dollrId('counterparty ID'),
    currency: partyCurrency,
    note: partyNote,
  },
  'a counterparty',
);

const file = mapping(
  {
    approvers: idList.optional(),
    payees: z
      .array(payee, { error: 'must be a list of payees, each with name, payout_account_id and currency' })
      .max(PAYEES_MAX, `may list at most ${PAYEES_MAX} payees (the payout form's list holds no more)`)
      .optional(),
    allow_unnamed_payees: z.boolean({ error: 'must be true or false' }).optional(),
    counterparties: z
      .array(counterparty, {
        error: 'must be a list of counterparties, each with name, counterparty_id and currency',
      })
      .max(PAYEES_MAX, `may list at most ${PAYEES_MAX} counterparties (the transfer form's list holds no more)`)
      .optional(),
    rules: z
      .array(rule, { error: 'must be a list of rules, each starting with operation: refund, payout or transfer' })
      .optional(),
  },
  'the policy file',
);

type ParsedFile = z.output<typeof file>;

const toConfig = (parsed: ParsedFile): PolicyConfig => ({
  approvers: parsed.approvers ? approverSetFrom(parsed.approvers) : undefined,
  payees: parsed.payees
    ? {
        payees: parsed.payees.map((p) => ({
          name: p.name,
          payoutAccountId: p.payout_account_id,
          currency: p.currency,
          ...(p.note ? { note: p.note } : {}),
        })),
        allowUnnamed: parsed.allow_unnamed_payees ?? false,
      }
    : undefined,
  counterparties: (parsed.counterparties ?? []).map((c) => ({
    name: c.name,
    counterpartyId: c.counterparty_id,
    currency: c.currency,
    ...(c.note ? { note: c.note } : {}),
  })),
  rules: (parsed.rules ?? []).map((r) => ({
    operation: r.operation,
    currency: r.currency === ANY_CURRENCY ? undefined : r.currency,
    approvers: r.approvers ? approverSetFrom(r.approvers) : undefined,
    maxAmountMinor: r.max_amount,
    dailyLimitMinor: r.daily_limit,
    tiers: (r.tiers ?? []).map((t) => ({
      aboveMinor: t.above,
      approvalsRequired: t.approvers_required,
      levels: t.levels?.map(approverSetFrom),
    })),
  })),
});

/**
 * The schema of the file. `defaultApprovers` (APPROVERS) is what a rule without approvers falls back
 * to, needed to tell whether a tier could ever get as many distinct approvers as it asks for.
 */
export const policyFileSchema = (defaultApprovers: readonly string[]) =>
  file
    // `when`: run on whatever parsed, even when fields failed (the checks read defensively).
    .superRefine((parsed, ctx) => checkPolicyFile(parsed, defaultApprovers, ctx), { when: () => true })
    .transform(toConfig);
