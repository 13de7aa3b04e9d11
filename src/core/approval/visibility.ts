/**
 * Who may see a request (its amount, reason, people and Dollr's words, which often hold a
 * customer's details): its requester, the people who may decide it (every approval level fixed on
 * it, and whoever decided it), and the admins. To anyone else a request does not exist: the same
 * answer as for an unknown ID. When a group's members cannot be read, the answer is no.
 */
import type { Directory } from '../ports.ts';
import type { MoneyRequest } from '../request/request.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import { eligibleSet } from './decide-request.ts';

export interface VisibilityDeps {
  policy: ApprovalPolicy;
  directory: Directory;
  admins: readonly string[];
}

export async function mayView(deps: VisibilityDeps, request: MoneyRequest, userId: string): Promise<boolean> {
  if (userId === request.requesterId || deps.admins.includes(userId)) return true;
  if (request.events.some((e) => (e.type === 'approved' || e.type === 'rejected') && e.by === userId)) return true;
  for (let index = 0; index < request.approvalsRequired; index++) {
    const eligible = eligibleSet(deps.policy, request, index);
    if (!eligible.ok) continue;
    const { users, groups } = eligible.value;
    if (users.includes(userId)) return true;
    if (groups.length > 0 && (await deps.directory.isIn(userId, eligible.value).catch(() => false))) return true;
  }
  return false;
}
