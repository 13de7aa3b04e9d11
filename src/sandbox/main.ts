/**
 * `npm run sandbox`: the app against a simulated Slack and Dollr, played in the browser.
 * The sandbox's only reader of process.env: PORT (default 3000), HOST (default 127.0.0.1),
 * STORE_URL (default memory://), LOG_LEVEL (default warn).
 */
import { startSandbox } from './sandbox.ts';
import { answerArguments } from '../usage.ts';

const USAGE = `npm run sandbox: the app against a simulated Slack and Dollr, played in the browser.
Environment (all optional): PORT (default 3000), HOST (default 127.0.0.1), STORE_URL (default memory://),
LOG_LEVEL (default warn). See docs/sandbox.md.
`;

async function main(): Promise<void> {
  answerArguments(USAGE);
  const env = process.env;
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}.`);
  const sandbox = await startSandbox({
    port,
    host: env.HOST || '127.0.0.1',
    storeUrl: env.STORE_URL || 'memory://',
    logLevel: env.LOG_LEVEL || 'warn',
  });
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
