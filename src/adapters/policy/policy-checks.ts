/**
 * The policy file's checks that tie fields together: a refund rule naming a currency, two rules for
 * the same thing, a payee or counterparty listed twice, tiers out of order or above the maximum,
 * levels that do not match the approvals a tier needs, and a tier asking for more distinct people
 * than its lists could ever provide.
 *
 * They run on whatever the field schemas produced, even when some field failed (so that every problem
 * is reported at once), hence the defensive reads: a failed field may hold anything.
 */
import type { z } from 'zod';
import { displayAmount, formatMinor } from '../../core/request/money.ts';

export const ANY_CURRENCY = 'any';

type Loose = Record<string, unknown>;
type Path = (string | number)[];

const record = (value: unknown): Loose | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const amountAt = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const idsAt = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((id) => typeof id === 'string') ? value : undefined;
const shown = (minor: number) => displayAmount(formatMinor(minor));

export function checkPolicyFile(parsed: unknown, defaultApprovers: readonly string[], ctx: z.RefinementCtx): void {
  const file = record(parsed);
  if (!file) return;
  const problem = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const fileApprovers = idsAt(file.approvers);
  const firstRuleFor = new Map<string, number>();

  const listedTwice = (key: 'payees' | 'counterparties', idField: string, what: string) => {
    const firstOf = new Map<number, number>();
    list(file[key]).forEach((value, i) => {
      const id = record(value)?.[idField];
      if (typeof id !== 'number') return;
      const first = firstOf.get(id);
      if (first === undefined) firstOf.set(id, i);
      else problem([key, i, idField], `${what} ${id} is listed twice (first as ${key}[${first}])`);
    });
  };
  listedTwice('payees', 'payout_account_id', 'account');
  listedTwice('counterparties', 'counterparty_id', 'counterparty');
  if (file.allow_unnamed_payees !== undefined && file.payees === undefined) {
    problem(
      ['allow_unnamed_payees'],
      'says what to do with accounts not on the payee list, but there is no payees list',
    );
  }

  list(file.rules).forEach((value, i) => {
    const rule = record(value);
    if (!rule) return;
    const at = (...path: Path): Path => ['rules', i, ...path];
    const currency = typeof rule.currency === 'string' && rule.currency !== ANY_CURRENCY ? rule.currency : undefined;

    if (rule.operation === 'refund' && currency) {
      problem(
        at('currency'),
        "refund rules cannot name a currency: a refund is in its original payment's currency, " +
          'which the app does not know. ' +
          `Leave currency out (or write ${ANY_CURRENCY}); the rule's amounts then apply to every refund`,
      );
    }
    if (rule.operation === 'refund' || rule.operation === 'payout' || rule.operation === 'transfer') {
      const key =
        rule.operation === 'refund' ? 'refunds' : `${rule.operation}s in ${currency ? currency : 'any currency'}`;
      const first = firstRuleFor.get(key);
      if (first === undefined) firstRuleFor.set(key, i);
      else problem(at('operation'), `a second rule for ${key} (the first is rules[${first}]): merge them into one`);
    }

    const maxAmount = amountAt(rule.max_amount);
    let previousAbove: number | undefined;
    list(rule.tiers).forEach((tierValue, j) => {
      const tier = record(tierValue);
      if (!tier) return;
      const above = amountAt(tier.above);
      if (above !== undefined) {
        if (previousAbove !== undefined && above <= previousAbove) {
          problem(
            at('tiers', j, 'above'),
            `must be above the previous tier's ${shown(previousAbove)}: ` +
              'list tiers from the lowest amount to the highest',
          );
        }
        if (maxAmount !== undefined && above >= maxAmount) {
          problem(
            at('tiers', j, 'above'),
            `is not below max_amount (${shown(maxAmount)}), so no request could ever reach this tier`,
          );
        }
        previousAbove = above;
      }
      const required = tier.approvers_required;
      if (typeof required !== 'number' || !Number.isInteger(required) || required < 1) return;
      const levels = Array.isArray(tier.levels) ? tier.levels : undefined;
      if (levels && levels.length !== required) {
        problem(
          at('tiers', j, 'levels'),
          `lists ${levels.length} approver list(s) but approvers_required is ${required}: ` +
            'give one list per approval, in the order they are given',
        );
        return;
      }
      const source = levels
        ? 'its levels'
        : idsAt(rule.approvers)
          ? "the rule's approvers"
          : fileApprovers
            ? "the file's approvers"
            : 'APPROVERS';
      const fallback = idsAt(rule.approvers) ?? fileApprovers ?? [...defaultApprovers];
      const perApproval = Array.from({ length: required }, (_, k) => (levels ? idsAt(levels[k]) : fallback));
      // A user group's members are only known once Slack answers: nothing to check then. An empty or
      // broken list is reported by the field schemas already.
      if (perApproval.some((ids) => ids === undefined || ids.length === 0 || ids.some((id) => id.startsWith('S'))))
        return;
      const reachable = distinctApprovers(perApproval as string[][]);
      if (reachable < required) {
        problem(
          at('tiers', j, 'approvers_required'),
          `needs ${required} distinct approvers but ${source} can only ever provide ${reachable}, ` +
            'and nobody counts twice: ' +
            'name more people, a user group, or lower approvers_required',
        );
      }
    });
  });
}

/**
 * How many approvals can be given by different people when approval k may only come from
 * `perApproval[k]`: a maximum bipartite matching (approvals to people), by augmenting paths.
 */
export function distinctApprovers(perApproval: readonly (readonly string[])[]): number {
  const approvalOf = new Map<string, number>();
  const assign = (k: number, tried: Set<string>): boolean => {
    for (const person of perApproval[k] ?? []) {
      if (tried.has(person)) continue;
      tried.add(person);
      const holder = approvalOf.get(person);
      if (holder === undefined || assign(holder, tried)) {
        approvalOf.set(person, k);
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let k = 0; k < perApproval.length; k++) if (assign(k, new Set())) matched++;
  return matched;
}
