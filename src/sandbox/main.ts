/**
 * `npm run sandbox`: the app against a simulated Slack and Dollr, played in the browser.
 * The sandbox's only reader of process.env: PORT (default 3000), HOST (default 127.0.0.1),
 * LOG_LEVEL (default warn). Its store is always its own (memory://): STORE_URL is ignored (settings.ts).
 */
import { startSandbox } from './sandbox.ts';
import { sandboxSettings, startNotice } from './settings.ts';
import { answerArguments } from '../usage.ts';

const USAGE = `npm run sandbox: the app against a simulated Slack and Dollr, played in the browser.
Environment (all optional): PORT (default 3000), HOST (default 127.0.0.1), LOG_LEVEL (default warn).
The store is always the sandbox's own, in memory; STORE_URL, APPROVAL_POLICY, APPROVERS, DOLLR_* and
SLACK_* are ignored. See docs/sandbox.md.
`;

async function main(): Promise<void> {
  answerArguments(USAGE);
  const settings = sandboxSettings(process.env);
  process.stdout.write(startNotice(settings));
  const sandbox = await startSandbox({ port: settings.port, host: settings.host, logLevel: settings.logLevel });
  process.stdout.write(`dollr-slack sandbox: open ${sandbox.url} (Ctrl+C stops it)\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sandbox.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    (error as { code?: string }).code === 'EADDRINUSE'
      ? ' (another program uses that port: set PORT to a free one)'
      : '';
  process.stderr.write(`The sandbox could not start: ${message}${hint}\n`);
  process.exit(1);
});
