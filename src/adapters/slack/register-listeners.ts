/** The only file that tells Bolt which listener handles what. */
import type { App, BlockAction, ButtonAction, GlobalShortcut, MessageShortcut } from '@slack/bolt';
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

export function registerListeners(app: App, services: SlackServices, command = '/dollr'): void {
  app.command(command, dollrCommand(services));
  app.shortcut<MessageShortcut>(CALLBACKS.refundFromMessage, refundFromMessage(services));
  app.shortcut<GlobalShortcut>(CALLBACKS.newRequest, newRequest(services));
  app.view(CALLBACKS.chooseRequest, chooseRequestSubmission(services));
  app.view(CALLBACKS.refund, requestSubmission('refund', services));
  app.view(CALLBACKS.payout, requestSubmission('payout', services));
  app.view(CALLBACKS.transfer, requestSubmission('transfer', services));
  app.view(CALLBACKS.refund_batch, requestSubmission('refund_batch', services));
  app.view(CALLBACKS.reject, rejectSubmission(services));
  app.view(CALLBACKS.approve, approveCommentSubmission(services));
  app.action<BlockAction<ButtonAction>>(ACTIONS.approve, approveButton(services));
  app.action<BlockAction<ButtonAction>>(ACTIONS.approveWithComment, approveWithCommentButton(services));
  app.action<BlockAction<ButtonAction>>(ACTIONS.reject, rejectButton(services));
  app.action<BlockAction<ButtonAction>>(ACTIONS.cancel, cancelButton(services));
  app.event('app_home_opened', homeOpened(services));
  app.action<BlockAction<ButtonAction>>(ACTIONS.homeFreeze, homeFreezeButton(services));
}
