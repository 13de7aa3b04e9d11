/** The entry point and the only reader of process.env: configuration, the app, signals. */
import { existsSync } from 'node:fs';
import { createApp, type DollrSlackApp, type RunningApp } from './app.ts';
import { PolicyFileError } from './adapters/policy/load-policy.ts';
import { isStoreError } from './adapters/store/store-error.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { StartupError } from './startup-checks.ts';
import { answerArguments } from './usage.ts';

const USAGE = `npm start: dollr-slack, configured by the environment (and ./.env when it exists).
Every setting is in .env.example and the README's Configuration section; a missing or malformed one
stops the start with a message listing every problem.
`;

async function main(): Promise<void> {
  answerArguments(USAGE);
  // A local .env is a convenience; variables already set in the environment win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dollr-slack cannot start.\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Signals are handled from here on. One that comes while the app is being made or started is kept:
  // the app stops as soon as it has started (gracefully: start-up may already have resumed work),
  // instead of dying on Node's default action with nothing stopped in order.
  let running: RunningApp | undefined;
  let stopSignal: string | undefined;
  const stopAndExit = async (app: RunningApp) => {
    await app.stop();
    process.exit(0);
  };
  const stop = async (signal: string) => {
    if (stopSignal) return;
    stopSignal = signal;
    process.stderr.write(`dollr-slack: ${signal} received, stopping${running ? '' : ' once started'}\n`);
    if (running) await stopAndExit(running);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  let app: DollrSlackApp;
  try {
    app = await createApp(config);
  } catch (error) {
    if (error instanceof PolicyFileError || (isStoreError(error) && error.code === 'store_locked')) {
      process.stderr.write(`dollr-slack cannot start.\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // The last resort: every failure is meant to be handled where it happens, but a rejection that
  // slips through must not end a process that may be following money. Logged (redacted), not fatal.
  process.on('unhandledRejection', (error) => app.logger.error('unhandled rejection; the app goes on', { error }));
  try {
    running = await app.start();
  } catch (error) {
    const cannot = (why: string) => {
      process.stderr.write(`dollr-slack cannot start.\n${why}\n`);
      process.exit(1);
    };
    if (error instanceof StartupError) return cannot(error.message);
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      return cannot(`Port ${config.port} is used by another program: stop it, or set PORT to a free port.`);
    }
    throw error;
  }
  if (stopSignal) await stopAndExit(running);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `dollr-slack stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
