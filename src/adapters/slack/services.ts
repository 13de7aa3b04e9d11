/** What the Slack listeners may use: the core's use cases' collaborators, wired in app.ts. */
import type { ApprovalPolicy } from '../../core/approval/approval-policy.ts';
import type {
  Checkpoint,
  Clock,
  Directory,
  Logger,
  Notifier,
  PaymentsGateway,
  RequestStore,
} from '../../core/ports.ts';
import type { RequestWorker } from '../../core/request-worker.ts';

export interface SlackServices {
  store: RequestStore;
  gateway: PaymentsGateway;
  clock: Clock;
  policy: ApprovalPolicy;
  directory: Directory;
  notifier: Notifier;
  /** Tells Slack what is untold and drives executions; one run per request across replicas. */
  worker: RequestWorker;
  logger: Logger;
  payoutsConfigured: boolean;
  /** When set, every card goes here instead of the channel the command was used in. */
  approvalChannel?: string;
  /** When set, the only channels where /dollr works. */
  allowedChannels?: readonly string[];
  admins: readonly string[];
  requestsPerMinute: number;
  checkpoint: (name: Checkpoint) => void;
  /** Awaited right after an ack, before the work it sets off: see after-ack.ts. */
  afterAck: () => Promise<void>;
}
