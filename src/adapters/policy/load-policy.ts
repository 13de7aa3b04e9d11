/**
 * Reads the approval policy file (APPROVAL_POLICY) at start-up, or makes the default policy from
 * APPROVERS when there is none. A file with problems stops the start: the error lists every problem
 * with its place in the file (path and line), so that one edit fixes them all.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { approverSetFrom, createApprovalPolicy, type ApprovalPolicy } from '../../core/approval/approval-policy.ts';
import { policyFileSchema } from './policy-schema.ts';

const WHAT_TO_DO =
  'approval-policy.example.yml shows every setting; ' +
  'unset APPROVAL_POLICY to require one approval from APPROVERS instead.';

export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
  readonly file: string;
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(
      `The approval policy ${file} (APPROVAL_POLICY) has ${problems.length} problem(s):\n` +
        `${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        `Fix ${problems.length === 1 ? 'it' : 'them'} and start again. ${WHAT_TO_DO}`,
    );
    this.file = file;
    this.problems = problems;
  }
}

/**
 * The policy for this start. `path` is relative to `cwd` (the directory the app starts in).
 * Throws PolicyFileError when the file is missing, unreadable, not YAML, or breaks a rule.
 */
export function loadApprovalPolicy(
  path: string | undefined,
  approvers: readonly string[],
  cwd = process.cwd(),
): ApprovalPolicy {
  const defaults = approverSetFrom(approvers);
  if (path === undefined || path.trim() === '') return createApprovalPolicy({}, defaults);
  const file = resolve(cwd, path);
  const text = readPolicyText(file, path, cwd);

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new PolicyFileError(
      file,
      doc.errors.map((e) => `not valid YAML: ${e.message}`),
    );
  if (doc.contents === null) throw new PolicyFileError(file, ['the file is empty: add approvers and rules']);

  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // Aliases past yaml's limit (a "billion laughs" file) end here.
    throw new PolicyFileError(file, [`not valid YAML: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = policyFileSchema(approvers).safeParse(raw);
  if (!parsed.success) {
    // In the order of the file, so that they can be fixed from top to bottom.
    const located = parsed.error.issues.map((issue) => locate(issue, doc, lineCounter));
    const byLine = located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    throw new PolicyFileError(
      file,
      byLine.map(({ text }) => text),
    );
  }
  return createApprovalPolicy(parsed.data, defaults);
}

function readPolicyText(file: string, path: string, cwd: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : `it cannot be read (${code ?? String(error)})`;
    throw new PolicyFileError(file, [
      `APPROVAL_POLICY is ${path}, but ${why} (a relative path is read from the directory the app starts in, ${cwd})`,
    ]);
  }
}

/** "rules[1].tiers[0].approvers_required: must be a whole number from 1 to 10 (line 12)", and that line. */
function locate(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter): { text: string; line?: number } {
  // An unknown key is reported on its mapping; point at the key itself.
  const path = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...issue.path, issue.keys[0]] : issue.path;
  const place = path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  const line = lineOf(doc, lineCounter, path);
  return { text: `${place || '(the file)'}: ${issue.message}${line === undefined ? '' : ` (line ${line})`}`, line };
}

/** The line of the closest node along the path (a missing field: its mapping's line). */
function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const keys = path.slice(0, depth).filter((k): k is string | number => typeof k !== 'symbol');
    const node = depth === 0 ? doc.contents : doc.getIn(keys, true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
