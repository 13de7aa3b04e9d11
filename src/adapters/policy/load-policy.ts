/** Reads the approval policy file (APPROVAL_POLICY), or makes the default policy from APPROVERS. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { approverSetFrom, createApprovalPolicy, type ApprovalPolicy } from '../../core/approval-policy.ts';
import { policyFileSchema } from './policy-schema.ts';

export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
}

/** Throws PolicyFileError listing every problem of the file, each with its place in it. */
export function loadApprovalPolicy(path: string | undefined, approvers: readonly string[], cwd = process.cwd()): ApprovalPolicy {
  const defaults = approverSetFrom(approvers);
  if (!path) return createApprovalPolicy({ rules: [] }, defaults);
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PolicyFileError(`APPROVAL_POLICY names ${file}, which cannot be read. Fix the path, or unset APPROVAL_POLICY to use APPROVERS alone.`);
  }
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new PolicyFileError(`${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(file)'}: ${issue.message}`);
    throw new PolicyFileError(`${file} has ${problems.length} problem(s):\n${problems.join('\n')}\nSee approval-policy.example.yml for the format.`);
  }
  return createApprovalPolicy(parsed.data, defaults);
}
