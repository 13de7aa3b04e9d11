/**
 * `npm run audit:export -- --since 2026-01-01 [--until 2026-02-01] [--format csv|jsonl] [--out FILE]`:
 * the audit trail of the app's requests, from the store named by STORE_URL. See audit/ for the parts.
 */
import { existsSync } from 'node:fs';
import { runAuditExport } from './audit/run-audit-export.ts';

// As in main.ts: a local .env is a convenience; variables already set in the environment win over it.
if (existsSync('.env')) process.loadEnvFile('.env');

const code = await runAuditExport({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
}).catch((error: unknown) => {
  process.stderr.write(
    `audit-export stopped on an unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  return 1;
});
// Exit now rather than when the last timer fires (the Redis client leaves a connect timeout behind),
// once both streams have passed on everything written to them.
await Promise.all(
  [process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))),
);
process.exit(code);
