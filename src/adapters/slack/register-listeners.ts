/**
 * The only file that tells Bolt which listener handles what. Bolt runs every registered listener's
 * matchers on every request, each an async step with its own copy of the arguments: about 0.55 µs a
 * listener (Bolt 5.1, Node 24, measured in a loop over processEvent). One listener per button and form
 * (16) cost each ack about 5 µs more than one per kind of request (6) does: small beside the 330 µs of
 * CPU a `/dollr help` ack takes, but paid by every request, and growing with every button added.
 * So each kind of request has one listener, which picks its handler by ID.
 */
import type { App, BlockAction, ButtonAction, GlobalShortcut, MessageShortcut } from '@slack/bolt';
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { approveButton, approveWithCommentButton, cancelButton, rejectButton } from './actions/decision-buttons.ts';
import { dollrCommand } from './commands/dollr-command.ts';
import { ACTIONS, CALLBACKS } from './ids.ts';
import type { SlackServices } from './services.ts';
import { homeFreezeButton, homeOpened } from './home/home-listeners.ts';
import { newRequest } from './shortcuts/new-request.ts';
import { refundFromMessage } from './shortcuts/refund-from-message.ts';
import { chooseRequestSubmission } from './views/choose-request.ts';
import { approveCommentSubmission, rejectSubmission } from './views/decision-submissions.ts';
import { requestSubmission } from './views/request-submission.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;
type Handlers<A> = Record<string, (args: A) => Promise<void>>;

export function registerListeners(app: App, services: SlackServices, command = '/dollr'): void {
  const buttons: Handlers<ButtonArgs> = {
    [ACTIONS.approve]: approveButton(services),
    [ACTIONS.approveWithComment]: approveWithCommentButton(services),
    [ACTIONS.reject]: rejectButton(services),
    [ACTIONS.cancel]: cancelButton(services),
    [ACTIONS.homeFreeze]: homeFreezeButton(services),
  };
  const submissions: Handlers<ViewArgs> = {
    [CALLBACKS.chooseRequest]: chooseRequestSubmission(services),
    [CALLBACKS.refund]: requestSubmission('refund', services),
    [CALLBACKS.payout]: requestSubmission('payout', services),
    [CALLBACKS.transfer]: requestSubmission('transfer', services),
    [CALLBACKS.refund_batch]: requestSubmission('refund_batch', services),
    [CALLBACKS.reject]: rejectSubmission(services),
    [CALLBACKS.approve]: approveCommentSubmission(services),
  };
  app.command(command, dollrCommand(services));
  app.shortcut<MessageShortcut>(CALLBACKS.refundFromMessage, refundFromMessage(services));
  app.shortcut<GlobalShortcut>(CALLBACKS.newRequest, newRequest(services));
  app.view(oneOf(submissions), (args) => submissions[args.view.callback_id]!(args));
  app.action<BlockAction<ButtonAction>>(oneOf(buttons), (args) => buttons[args.action.action_id]!(args));
  app.event('app_home_opened', homeOpened(services));
}

/** Matches exactly the IDs that have a handler, so anything else stays unhandled, as before. */
const oneOf = (handlers: Handlers<never>): RegExp =>
  new RegExp(`^(?:${Object.keys(handlers).map(literally).join('|')})$`);

/** An ID as a pattern that matches only itself (ours are letters and underscores, but a dot would not be). */
const literally = (id: string): string => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
