/**
 * What a start checks before it takes work, each within a deadline, each failure naming the setting
 * to look at. A check that finds the setting wrong stops the start (StartupError, which main.ts prints
 * as it is); one that cannot reach a service only warns: Slack requests can still be taken, and
 * whatever needs Dollr waits and retries as it always does.
 */
import type { DollrClient } from './adapters/dollr/dollr-client.ts';
import { isDollrError } from './core/execution/dollr-error.ts';
import type { Logger } from './core/ports.ts';

/** A start that cannot go on, with what to do: printed without a stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Dollr's token request, with the configured credentials. */
export async function checkDollrCredentials(gateway: DollrClient, logger: Logger): Promise<void> {
  try {
    await gateway.checkCredentials();
    logger.info('dollr credentials accepted');
  } catch (error) {
    if (isDollrError(error) && (error.code === 'unauthorized' || error.code === 'forbidden')) {
      throw new StartupError(
        `Dollr refused the client credentials (${error.message}). ` +
          'Check DOLLR_CLIENT_ID and DOLLR_CLIENT_SECRET (merchant portal > Settings > Developer > API Keys), ' +
          'and DOLLR_API_URL.',
      );
    }
    logger.warn(
      'dollr could not be reached at start; the app starts anyway and retries when there is work. ' +
        'Check DOLLR_API_URL and the network',
      { error },
    );
  }
}
