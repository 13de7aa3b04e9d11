/** What the Slack listeners use: the use cases, and how this Slack app is set up. Wired in app.ts. */
import type { Operations } from '../../core/operations.ts';
import type { Logger } from '../../core/ports.ts';
import type { CardDestinations } from './card-destination.ts';
import type { HomeTabs } from './home/home-tabs.ts';
import type { SharedFiles } from './shared-files.ts';

export interface SlackServices {
  operations: Operations;
  logger: Logger;
  /** When set, every card goes here instead of the channel the command was used in. */
  approvalChannel?: string;
  /** Whether the bot can post a card where it would go, and read its thread. */
  destinations: CardDestinations;
  /** The Home tabs, published when opened and kept current. */
  home: HomeTabs;
  /** When set, the only channels where /dollr works. */
  allowedChannels?: readonly string[];
  /** CSV files shared in channels, for batches of refunds. */
  sharedFiles: SharedFiles;
  /**
   * Runs the work an ack sets off, once the acks owed are sent (after-ack.ts), apart from Bolt's
   * handling of the request: the listener returns at once, so Bolt lets go of the request (its raw
   * body, payload and arguments) instead of keeping it alive while the work waits its turn. The work
   * closes over only what it needs. A stop waits for it; an error it throws is logged.
   */
  afterAck: (work: () => Promise<void>) => void;
}
