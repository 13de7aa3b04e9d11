/**
 * Slack's limits on messages, Block Kit and modals, checked the way Slack checks them: every
 * problem is reported at once as `[ERROR] <what> [json-pointer:<where>]`. All of the fake's
 * payload checks live here.
 */
import type { ApiArgs } from './types.ts';

export interface Refusal {
  error: string;
  messages?: string[];
}

type Json = Record<string, unknown>;
type Problems = string[];

const MESSAGE_MAX_BLOCKS = 50;
const MODAL_MAX_BLOCKS = 100;
const MESSAGE_MAX_TEXT = 40_000;
const KNOWN_BLOCKS = new Set([
  'section',
  'divider',
  'header',
  'actions',
  'context',
  'input',
  'image',
  'rich_text',
  'markdown',
  'video',
  'file',
]);

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function fail(p: Problems, path: string, what: string): void {
  p.push(`[ERROR] ${what} [json-pointer:${path}]`);
}

function maxChars(p: Problems, path: string, value: unknown, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string') fail(p, path, 'must be a string');
  else if (value.length > max) fail(p, path, `must be less than ${max + 1} characters`);
}

function list(p: Problems, path: string, value: unknown, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) {
    fail(p, path, 'must be an array');
    return [];
  }
  if (value.length < min) fail(p, path, `must provide at least ${min} items`);
  if (value.length > max) fail(p, path, `must be less than ${max + 1} items`);
  return value;
}

/** A text object: `{type: 'plain_text' | 'mrkdwn', text}`, text not empty and at most `max` characters. */
function text(p: Problems, path: string, value: unknown, max: number, plainOnly = false, required = true): void {
  if (value === undefined) {
    if (required) fail(p, path, 'missing required field');
    return;
  }
  if (!isObject(value)) {
    fail(p, path, 'must be an object');
    return;
  }
  if (plainOnly ? value.type !== 'plain_text' : value.type !== 'plain_text' && value.type !== 'mrkdwn') {
    fail(p, `${path}/type`, plainOnly ? 'must be plain_text' : 'must be one of [plain_text, mrkdwn]');
  }
  if (typeof value.text !== 'string' || value.text.length === 0)
    fail(p, `${path}/text`, 'must be more than 0 characters');
  else maxChars(p, `${path}/text`, value.text, max);
}

function confirmDialog(p: Problems, path: string, value: unknown): void {
  if (!isObject(value)) {
    fail(p, path, 'must be an object');
    return;
  }
  text(p, `${path}/title`, value.title, 100, true);
  text(p, `${path}/text`, value.text, 300);
  text(p, `${path}/confirm`, value.confirm, 30, true);
  text(p, `${path}/deny`, value.deny, 30, true);
}

function option(p: Problems, path: string, value: unknown): void {
  if (!isObject(value)) {
    fail(p, path, 'must be an object');
    return;
  }
  text(p, `${path}/text`, value.text, 75);
  maxChars(p, `${path}/value`, value.value, 150);
  text(p, `${path}/description`, value.description, 75, true, false);
}

function element(p: Problems, path: string, value: unknown): void {
  if (!isObject(value)) {
    fail(p, path, 'must be an object');
    return;
  }
  maxChars(p, `${path}/action_id`, value.action_id, 255);
  if (value.confirm !== undefined) confirmDialog(p, `${path}/confirm`, value.confirm);
  switch (value.type) {
    case 'button':
      text(p, `${path}/text`, value.text, 75, true);
      maxChars(p, `${path}/value`, value.value, 2000);
      maxChars(p, `${path}/url`, value.url, 3000);
      if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
        fail(p, `${path}/style`, 'must be one of [primary, danger]');
      }
      return;
    case 'plain_text_input':
      text(p, `${path}/placeholder`, value.placeholder, 150, true, false);
      if (typeof value.max_length === 'number' && value.max_length > 3000) {
        fail(p, `${path}/max_length`, 'must be less than 3001');
      }
      if (
        typeof value.initial_value === 'string' &&
        typeof value.max_length === 'number' &&
        value.initial_value.length > value.max_length
      ) {
        fail(
          p,
          `${path}/initial_value`,
          `must be less than ${value.max_length + 1} characters (the input's max_length)`,
        );
      }
      return;
    case 'static_select':
    case 'multi_static_select':
      text(p, `${path}/placeholder`, value.placeholder, 150, true, false);
      if (value.options !== undefined) {
        for (const [i, o] of list(p, `${path}/options`, value.options, 1, 100).entries())
          option(p, `${path}/options/${i}`, o);
      } else if (value.option_groups === undefined) {
        fail(p, path, 'must provide either options or option_groups');
      }
      if (value.initial_option !== undefined) option(p, `${path}/initial_option`, value.initial_option);
      return;
    case 'overflow':
      for (const [i, o] of list(p, `${path}/options`, value.options, 1, 5).entries())
        option(p, `${path}/options/${i}`, o);
      return;
    case undefined:
      fail(p, `${path}/type`, 'missing required field');
      return;
    default:
      return;
  }
}

function block(p: Problems, path: string, value: unknown, seenIds: Set<string>): void {
  if (!isObject(value)) {
    fail(p, path, 'must be an object');
    return;
  }
  maxChars(p, `${path}/block_id`, value.block_id, 255);
  if (typeof value.block_id === 'string') {
    if (seenIds.has(value.block_id)) fail(p, `${path}/block_id`, 'must be unique');
    seenIds.add(value.block_id);
  }
  if (typeof value.type !== 'string' || !KNOWN_BLOCKS.has(value.type)) {
    fail(p, `${path}/type`, `must be one of [${[...KNOWN_BLOCKS].join(', ')}]`);
    return;
  }
  switch (value.type) {
    case 'section':
      if (value.text === undefined && value.fields === undefined) fail(p, path, 'must provide either text or fields');
      text(p, `${path}/text`, value.text, 3000, false, false);
      if (value.fields !== undefined) {
        for (const [i, f] of list(p, `${path}/fields`, value.fields, 1, 10).entries())
          text(p, `${path}/fields/${i}`, f, 2000);
      }
      if (value.accessory !== undefined) element(p, `${path}/accessory`, value.accessory);
      return;
    case 'header':
      text(p, `${path}/text`, value.text, 150, true);
      return;
    case 'actions':
      for (const [i, e] of list(p, `${path}/elements`, value.elements, 1, 25).entries())
        element(p, `${path}/elements/${i}`, e);
      return;
    case 'context':
      for (const [i, e] of list(p, `${path}/elements`, value.elements, 1, 10).entries()) {
        if (!isObject(e) || e.type !== 'image') text(p, `${path}/elements/${i}`, e, 3000);
      }
      return;
    case 'input':
      text(p, `${path}/label`, value.label, 2000, true);
      text(p, `${path}/hint`, value.hint, 2000, true, false);
      if (value.element === undefined) fail(p, `${path}/element`, 'missing required field');
      else element(p, `${path}/element`, value.element);
      return;
    default:
      return;
  }
}

function blockList(p: Problems, path: string, value: unknown, max: number): void {
  const seenIds = new Set<string>();
  for (const [i, b] of list(p, path, value, 0, max).entries()) block(p, `${path}/${i}`, b, seenIds);
}

const hasContent = (value: unknown): boolean =>
  (typeof value === 'string' && value.length > 0) || (Array.isArray(value) && value.length > 0);

/**
 * Checks a message as chat.postMessage, chat.update, chat.postEphemeral and response URLs do:
 * `no_text` without text, blocks or attachments; `msg_too_long`; `invalid_blocks_format` when
 * blocks are not a JSON array; `invalid_blocks` with the problems listed.
 */
export function checkMessage(args: ApiArgs): Refusal | undefined {
  const { text: body, blocks, attachments } = args;
  if (typeof blocks === 'string' || (blocks !== undefined && !Array.isArray(blocks))) {
    return { error: 'invalid_blocks_format' };
  }
  if (!hasContent(body) && !hasContent(blocks) && !hasContent(attachments)) return { error: 'no_text' };
  if (typeof body === 'string' && body.length > MESSAGE_MAX_TEXT) return { error: 'msg_too_long' };
  if (blocks === undefined) return undefined;
  const problems: Problems = [];
  blockList(problems, '/blocks', blocks, MESSAGE_MAX_BLOCKS);
  return problems.length > 0 ? { error: 'invalid_blocks', messages: problems } : undefined;
}

/** Checks a Home tab as views.publish does. */
export function checkHomeView(view: unknown): Refusal | undefined {
  const p: Problems = [];
  if (!isObject(view)) {
    fail(p, '/view', view === undefined ? 'missing required field' : 'must be a JSON object');
    return { error: 'invalid_arguments', messages: p };
  }
  if (view.type !== 'home') fail(p, '/view/type', 'must be home');
  maxChars(p, '/view/private_metadata', view.private_metadata, 3000);
  maxChars(p, '/view/callback_id', view.callback_id, 255);
  blockList(p, '/view/blocks', view.blocks, MODAL_MAX_BLOCKS);
  return p.length > 0 ? { error: 'invalid_arguments', messages: p } : undefined;
}

/** Checks a modal as views.open, views.update and views.push do: `invalid_arguments` with the problems listed. */
export function checkView(view: unknown): Refusal | undefined {
  const p: Problems = [];
  if (!isObject(view)) {
    fail(p, '/view', view === undefined ? 'missing required field' : 'must be a JSON object');
    return { error: 'invalid_arguments', messages: p };
  }
  if (view.type !== 'modal') fail(p, '/view/type', 'must be modal');
  text(p, '/view/title', view.title, 24, true);
  text(p, '/view/submit', view.submit, 24, true, false);
  text(p, '/view/close', view.close, 24, true, false);
  maxChars(p, '/view/private_metadata', view.private_metadata, 3000);
  maxChars(p, '/view/callback_id', view.callback_id, 255);
  maxChars(p, '/view/external_id', view.external_id, 255);
  blockList(p, '/view/blocks', view.blocks, MODAL_MAX_BLOCKS);
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
  if (hasInput && view.submit === undefined)
    fail(p, '/view/submit', 'is required when an input block is within the blocks array');
  return p.length > 0 ? { error: 'invalid_arguments', messages: p } : undefined;
}
