/** Who may decide on a request. Kept behind an interface so group and threshold rules can come later. */
import type { MoneyRequest } from './request.ts';

export interface ApprovalPolicy {
  /** True when this user may approve or reject this request (the requester check is separate). */
  mayDecide(userId: string, request: MoneyRequest): boolean;
}

export function approverListPolicy(approvers: readonly string[]): ApprovalPolicy {
  const allowed = new Set(approvers);
  return { mayDecide: (userId) => allowed.has(userId) };
}
