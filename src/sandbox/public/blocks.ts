/**
 * Block Kit to HTML, as Slack draws it closely enough to review a message: header, section (text,
 * fields, a button accessory), context, divider, actions (buttons with style and confirm), image.
 * Pure: blocks in, an HTML string out; buttons carry their IDs in data attributes for the page.
 */
import { escapeHtml } from './escape-html.ts';
import { renderMrkdwn, renderPlain, type RenderContext } from './mrkdwn.ts';

/** A text object as Slack sends it. */
interface TextObject {
  type?: string;
  text?: string;
}

interface Element extends Record<string, unknown> {
  type?: string;
}

type Block = Record<string, unknown> & { type?: string; block_id?: string };

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): Element[] => (Array.isArray(value) ? (value as Element[]) : []);

export function renderText(text: unknown, ctx: RenderContext): string {
  const t = (text ?? {}) as TextObject;
  return t.type === 'mrkdwn' ? renderMrkdwn(str(t.text), ctx) : renderPlain(str(t.text));
}

/** A button with what a click needs to send: action, block, value and the confirm dialog, if any. */
function renderButton(button: Element, blockId: string): string {
  const style = button.style === 'primary' || button.style === 'danger' ? ` btn-${button.style}` : '';
  const actionId = str(button.action_id);
  const attrs = [
    `class="btn${style}"`,
    'type="button"',
    `data-testid="button-${escapeHtml(actionId)}"`,
    `data-action-id="${escapeHtml(actionId)}"`,
    `data-block-id="${escapeHtml(blockId)}"`,
    `data-value="${escapeHtml(str(button.value))}"`,
  ];
  if (button.confirm !== undefined) attrs.push(`data-confirm="${escapeHtml(JSON.stringify(button.confirm))}"`);
  if (typeof button.url === 'string' && /^https?:\/\//i.test(button.url))
    attrs.push(`data-url="${escapeHtml(button.url)}"`);
  return `<button ${attrs.join(' ')}>${renderPlain(str((button.text as TextObject | undefined)?.text))}</button>`;
}

function renderElement(element: Element, blockId: string, ctx: RenderContext): string {
  switch (element.type) {
    case 'button':
      return renderButton(element, blockId);
    case 'mrkdwn':
    case 'plain_text':
      return `<span>${renderText(element, ctx)}</span>`;
    case 'image':
      return (
        `<img class="ctx-image" src="${escapeHtml(safeImage(element.image_url))}" ` +
        `alt="${escapeHtml(str(element.alt_text))}">`
      );
    default:
      return `<span class="unsupported">[${escapeHtml(str(element.type))}]</span>`;
  }
}

const safeImage = (url: unknown): string => (typeof url === 'string' && /^https?:\/\//i.test(url) ? url : '');

function renderBlock(block: Block, ctx: RenderContext): string {
  const blockId = str(block.block_id);
  switch (block.type) {
    case 'header':
      return `<div class="b-header">${renderText(block.text, ctx)}</div>`;
    case 'section': {
      const text = block.text === undefined ? '' : `<div class="b-text">${renderText(block.text, ctx)}</div>`;
      const fields = list(block.fields);
      const grid =
        fields.length === 0
          ? ''
          : `<div class="b-fields">${fields
              .map((f) => `<div class="b-field">${renderText(f, ctx)}</div>`)
              .join('')}</div>`;
      const accessory =
        block.accessory === undefined
          ? ''
          : `<div class="b-accessory">${renderElement(block.accessory as Element, blockId, ctx)}</div>`;
      return `<div class="b-section"><div class="b-section-main">${text}${grid}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="b-context">${list(block.elements)
        .map((e) => renderElement(e, blockId, ctx))
        .join('')}</div>`;
    case 'divider':
      return '<hr class="b-divider">';
    case 'actions':
      return `<div class="b-actions">${list(block.elements)
        .map((e) => renderElement(e, blockId, ctx))
        .join('')}</div>`;
    case 'image':
      return (
        `<img class="b-image" src="${escapeHtml(safeImage(block.image_url))}" ` +
        `alt="${escapeHtml(str(block.alt_text))}">`
      );
    default:
      return `<div class="unsupported">[${escapeHtml(str(block.type))} block]</div>`;
  }
}

/** A message's body: its blocks, or its text as mrkdwn when it has none. */
export function renderMessageBody(text: string, blocks: unknown[], ctx: RenderContext): string {
  if (blocks.length === 0) return `<div class="b-text">${renderMrkdwn(text, ctx)}</div>`;
  return (blocks as Block[]).map((b) => renderBlock(b, ctx)).join('');
}

export function renderBlocks(blocks: unknown[], ctx: RenderContext): string {
  return (blocks as Block[]).map((b) => renderBlock(b, ctx)).join('');
}
