/** The approval policy file's one zod schema: YAML in, PolicyConfig out, every problem named by its place. */
import { z } from 'zod';
import { approverSetFrom, type PolicyConfig } from '../../core/approval-policy.ts';
import { CURRENCIES, parseAmount, toMinor } from '../../core/money.ts';

const id = z
  .string()
  .regex(/^([UW][A-Z0-9]{2,}|S[A-Z0-9]{2,})$/, 'must be a Slack user ID (U…, W…) or user group ID (S…)');
const approvers = z.array(id).min(1, 'must name at least one user or user group');

const amount = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const parsed = value === 0 || value === '0' ? '0.00' : parseAmount(String(value));
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an amount such as 500 or 1250.50 (at most 2 decimals)' });
      return z.NEVER;
    }
    return toMinor(parsed);
  });

const tier = z.strictObject({
  above: amount,
  approvers_required: z.number().int().min(1).max(10, 'must be a whole number from 1 to 10'),
  levels: z.array(approvers).optional(),
});

const rule = z
  .strictObject({
    operation: z.enum(['refund', 'payout']),
    currency: z.enum(CURRENCIES).optional(),
    approvers: approvers.optional(),
    max_amount: amount.optional(),
    daily_limit: amount.optional(),
    tiers: z.array(tier).default([]),
  })
  // `when`: run even when a field failed, so that one pass reports every problem of the file.
  .superRefine((r, ctx) => {
    const tiers = Array.isArray(r.tiers) ? r.tiers : [];
    if (r.operation === 'refund' && r.currency) {
      ctx.addIssue({
        code: 'custom',
        path: ['currency'],
        message: "refund rules cannot name a currency: a refund is in its original payment's currency, which the app does not know before Dollr executes it",
      });
    }
    tiers.forEach((t, i) => {
      const previous = tiers[i - 1]?.above;
      if (typeof t.above === 'number' && typeof previous === 'number' && t.above <= previous) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'above'], message: 'tiers must go from the lowest amount to the highest' });
      if (Array.isArray(t.levels) && t.levels.length !== t.approvers_required) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'levels'], message: `must list one approver list per approval (${t.approvers_required})` });
      }
      const explicit = t.levels || !Array.isArray(r.approvers) ? undefined : r.approvers;
      if (explicit && explicit.every((a) => !String(a).startsWith('S')) && explicit.length < t.approvers_required) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'approvers_required'], message: `needs ${t.approvers_required} distinct approvers but the rule names only ${explicit.length}` });
      }
    });
  }, { when: () => true });

export const policyFileSchema = z
  .strictObject({
    approvers: approvers.optional(),
    rules: z.array(rule).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((r, i) => {
      const key = `${r.operation}:${r.currency ?? 'any'}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['rules', i], message: `a second rule for ${r.operation}${r.currency ? ` in ${r.currency}` : ''}; merge them` });
      seen.add(key);
    });
  })
  .transform(
    (file): PolicyConfig => ({
      approvers: file.approvers ? approverSetFrom(file.approvers) : undefined,
      rules: file.rules.map((r) => ({
        operation: r.operation,
        currency: r.currency,
        approvers: r.approvers ? approverSetFrom(r.approvers) : undefined,
        maxAmountMinor: r.max_amount,
        dailyLimitMinor: r.daily_limit,
        tiers: r.tiers.map((t) => ({ aboveMinor: t.above, approvalsRequired: t.approvers_required, levels: t.levels?.map(approverSetFrom) })),
      })),
    }),
  );
