/** What the Slack listeners may use: the core's use cases' collaborators, wired in app.ts. */
import type { Executor } from '../../core/execute-request.ts';
import type { Outbox } from '../../core/outbox.ts';
import type { ApprovalPolicy } from '../../core/policy.ts';
import type { Clock, Logger, PaymentsGateway, RequestStore } from '../../core/ports.ts';

export interface SlackServices {
  store: RequestStore;
  gateway: PaymentsGateway;
  clock: Clock;
  policy: ApprovalPolicy;
  executor: Executor;
  outbox: Outbox;
  logger: Logger;
  payoutsConfigured: boolean;
  /** When set, every card goes here instead of the channel the command was used in. */
  approvalChannel?: string;
  /** Starts background work without awaiting it; failures are logged (and recovered at restart). */
  background: (label: string, work: () => Promise<void>) => void;
}
