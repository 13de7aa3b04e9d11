/** What the Slack listeners may use: the core's use cases' collaborators, wired in app.ts. */
import type { ApprovalPolicy } from '../../core/policy.ts';
import type { Checkpoint, Clock, Logger, PaymentsGateway, RequestStore } from '../../core/ports.ts';
import type { RequestWorker } from '../../core/request-worker.ts';

export interface SlackServices {
  store: RequestStore;
  gateway: PaymentsGateway;
  clock: Clock;
  policy: ApprovalPolicy;
  /** Tells Slack what is untold and drives executions; one run per request across replicas. */
  worker: RequestWorker;
  logger: Logger;
  payoutsConfigured: boolean;
  /** When set, every card goes here instead of the channel the command was used in. */
  approvalChannel?: string;
  checkpoint: (name: Checkpoint) => void;
}
