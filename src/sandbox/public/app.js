// @ts-check
/**
 * The sandbox page: listens to the server's snapshots (server-sent events), draws them with the
 * pure renderers next to this file, and turns clicks and typing into calls to /api/. All HTML
 * comes from the renderers, which escape every piece of text.
 */
import { renderBlocks } from './blocks.ts';
import { renderChannel } from './channel.ts';
import { renderDollrPanel } from './dollr-panel.ts';
import { escapeHtml } from './escape-html.ts';
import { renderModal } from './modal.ts';

/** @typedef {import('../snapshot.ts').Snapshot} Snapshot */

const $ = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (document.querySelector(selector));
const messages = $('#messages');
const composer = /** @type {HTMLFormElement} */ ($('#composer'));
const input = /** @type {HTMLTextAreaElement} */ ($('#composer-input'));
const modalRoot = $('#modal-root');
const confirmRoot = $('#confirm-root');

/** @type {Snapshot | undefined} */
let snapshot;
const DEFAULT_USER = 'U0SANDREQ1';
let me = localStorage.getItem('sandbox-user') ?? DEFAULT_USER;
let modalKey = '';
/** @type {EventSource | undefined} */
let events;

/** @type {import('./mrkdwn.ts').RenderContext} */
const ctx = {
  userName: (id) => snapshot?.people.find((p) => p.id === id)?.name,
  channelName: (id) => (snapshot?.channel.id === id ? snapshot.channel.name : undefined),
};

/** POSTs JSON to the sandbox server; resolves with its JSON answer, or throws its error. */
async function post(/** @type {string} */ path, /** @type {object} */ body = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer;
}

function connect() {
  events?.close();
  events = new EventSource(`/events?user=${encodeURIComponent(me)}`);
  events.onmessage = (event) => draw(JSON.parse(event.data));
  // The server refuses a person it does not know (say, a stale choice in localStorage): start as Ama.
  events.onerror = () => {
    if (events?.readyState === EventSource.CLOSED && me !== DEFAULT_USER) {
      me = DEFAULT_USER;
      connect();
    }
  };
}

function setHtml(/** @type {HTMLElement} */ element, /** @type {string} */ html) {
  if (element.dataset.html !== html) {
    element.innerHTML = html;
    element.dataset.html = html;
  }
}

/** Within this many pixels of the end, the list follows new messages; further up, the person is reading. */
const FOLLOW_PX = 80;
const newMessages = $('#new-messages');
/** The messages (and thread replies) drawn so far, by key; undefined before the first draw. */
/** @type {Set<string> | undefined} */
let seenKeys;
/** The first message that came while the person read further up, until they see it. */
/** @type {string | undefined} */
let unseenKey;

const atEnd = () => messages.scrollHeight - messages.scrollTop - messages.clientHeight < FOLLOW_PX;
/** Whether the list follows the end: true until the person scrolls up, true again once they come back down. */
let following = true;
messages.addEventListener('scroll', () => (following = atEnd()), { passive: true });
// A narrower or shorter window reflows the list; one that followed the end still does.
new ResizeObserver(() => {
  if (following) messages.scrollTop = messages.scrollHeight;
}).observe(messages);

/** Whether an element shows, at least in part, inside the list's box. */
function inView(/** @type {Element} */ element) {
  const box = element.getBoundingClientRect();
  const frame = messages.getBoundingClientRect();
  return box.bottom > frame.top && box.top < frame.bottom;
}

const byKey = (/** @type {string} */ key) =>
  [...messages.querySelectorAll('[data-key]')].find((e) => e.getAttribute('data-key') === key);

function drawMessages(/** @type {Snapshot} */ next) {
  setHtml(messages, renderChannel(next.items, next.channel.name, ctx));
  const elements = [...messages.querySelectorAll('[data-key]')];
  const keys = new Set(elements.map((e) => e.getAttribute('data-key') ?? ''));
  const added = seenKeys === undefined ? [] : elements.filter((e) => !seenKeys?.has(e.getAttribute('data-key') ?? ''));
  const first = seenKeys === undefined;
  seenKeys = keys;
  // New messages come at the end of the list, new replies at the end of their thread (which may be higher up).
  if (first || following) messages.scrollTop = messages.scrollHeight;
  // Out of view all the same (read further up, or a reply in an older card's thread): nothing jumps;
  // a button says that something came, and takes you to it.
  const missed = added.find((e) => !inView(e));
  if (missed && unseenKey === undefined) unseenKey = missed.getAttribute('data-key') ?? undefined;
  if (unseenKey !== undefined && !keys.has(unseenKey)) unseenKey = undefined;
  showNewMessages();
}

function showNewMessages() {
  const element = unseenKey === undefined ? undefined : byKey(unseenKey);
  if (element && inView(element)) unseenKey = undefined;
  newMessages.hidden = unseenKey === undefined;
  if (element && unseenKey !== undefined) {
    const above = element.getBoundingClientRect().bottom <= messages.getBoundingClientRect().top;
    newMessages.textContent = above ? 'New reply \u2191' : 'New messages \u2193';
  }
}

messages.addEventListener('scroll', showNewMessages, { passive: true });
newMessages.addEventListener('click', () => {
  const element = unseenKey === undefined ? undefined : byKey(unseenKey);
  if (element) element.scrollIntoView({ block: 'start' });
  else messages.scrollTop = messages.scrollHeight;
  unseenKey = undefined;
  newMessages.hidden = true;
});

function draw(/** @type {Snapshot} */ next) {
  snapshot = next;
  drawMessages(next);
  setHtml($('#home'), next.home ? renderBlocks(next.home, ctx) : '<p class="muted">Opening the Home tab\u2026</p>');
  setHtml($('#people'), peopleHtml(next));
  setHtml($('#dollr'), renderDollrPanel(next.dollr));
  const person = next.people.find((p) => p.id === me);
  $('#acting-as').textContent = person ? `${person.name} (${person.role})` : me;
  drawModal(next.modal);
}

function peopleHtml(/** @type {Snapshot} */ s) {
  return s.people
    .map(
      (p) =>
        `<button type="button" class="person${p.id === me ? ' active' : ''}" data-user="${escapeHtml(p.id)}" ` +
        `data-testid="user-${escapeHtml(p.id)}" aria-pressed="${p.id === me}" ` +
        `title="${escapeHtml(`${p.name} (${p.role})`)}">` +
        `<span class="person-avatar">${escapeHtml(p.name.slice(0, 1))}</span>` +
        `<span><span class="person-name">${escapeHtml(p.name)}</span>` +
        `<span class="person-role">${escapeHtml(p.role)}</span></span></button>`,
    )
    .join('');
}

/** Draws a modal when a new one (or a new version) opens; otherwise only its errors change, keeping what was typed. */
function drawModal(/** @type {Snapshot['modal']} */ modal) {
  const key = modal ? `${modal.id}:${modal.hash}` : '';
  if (key !== modalKey) {
    modalKey = key;
    const channels = snapshot ? [snapshot.channel] : [];
    modalRoot.innerHTML = modal ? `<div class="overlay">${renderModal(modal.view, ctx, channels)}</div>` : '';
    modalRoot.querySelector('input, textarea, select')?.focus();
  }
  if (!modal) return;
  for (const error of modalRoot.querySelectorAll('[data-testid^="error-"]')) {
    const blockId = error.getAttribute('data-testid')?.slice('error-'.length) ?? '';
    error.textContent = modal.errors[blockId] ?? '';
    error.closest('.field')?.classList.toggle('has-error', Boolean(modal.errors[blockId]));
  }
}

composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (text === '') return;
  input.value = '';
  await post('/api/command', { user: me, text }).catch(showProblem);
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

$('#people').addEventListener('click', (event) => {
  const button = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (event.target).closest('[data-user]'));
  if (!button?.dataset.user || button.dataset.user === me) return;
  me = button.dataset.user;
  localStorage.setItem('sandbox-user', me);
  connect();
  // Each person has their own Home tab: the newcomer's opens as they arrive on it.
  if (document.body.classList.contains('show-home')) post('/api/home/open', { user: me }).catch(showProblem);
});

// A file shared here is an upload by the person, in the channel: the app can then read it by name.
const fileInput = /** @type {HTMLInputElement} */ ($('#file-input'));
$('#share-file').addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (!file) return;
  await post('/api/share-file', { user: me, name: file.name, content: await file.text() }).catch(showProblem);
});

$('#new-request').addEventListener('click', () => {
  post('/api/shortcut/new-request', { user: me }).catch(showProblem);
});

messages.addEventListener('click', (event) => {
  const shortcut = /** @type {HTMLElement | null} */ (
    /** @type {HTMLElement} */ (event.target).closest('[data-shortcut="refund-from-message"]')
  );
  const on = /** @type {HTMLElement | null} */ (shortcut?.closest('[data-ts]') ?? null);
  if (shortcut && on) {
    post('/api/shortcut/refund-from-message', { user: me, ts: on.dataset.ts }).catch(showProblem);
    return;
  }
  const button = /** @type {HTMLButtonElement | null} */ (
    /** @type {HTMLElement} */ (event.target).closest('button[data-action-id]')
  );
  const message = /** @type {HTMLElement | null} */ (button?.closest('[data-ts]') ?? null);
  if (!button || !message || !snapshot) return;
  const { actionId = '', blockId = '', value = '', confirm, url } = button.dataset;
  if (url) window.open(url, '_blank', 'noopener');
  const click = () =>
    post('/api/click', {
      user: me,
      channel: snapshot?.channel.id,
      ts: message.dataset.ts,
      actionId,
      blockId,
      value,
    }).catch(showProblem);
  if (confirm) askToConfirm(JSON.parse(confirm), click);
  else click();
});

/** Slack's confirm dialog: title, text, confirm and deny, before the click is sent. */
function askToConfirm(/** @type {any} */ dialog, /** @type {() => void} */ onConfirm) {
  const text = (/** @type {any} */ t, /** @type {string} */ fallback) => t?.text ?? fallback;
  confirmRoot.innerHTML =
    '<div class="overlay"><div class="confirm" role="alertdialog" aria-modal="true" data-testid="confirm-dialog">' +
    '<h2></h2><p></p><div class="modal-foot"><button type="button" class="btn" data-testid="confirm-deny"></button>' +
    `<button type="button" class="btn ${dialog.style === 'danger' ? 'btn-danger' : 'btn-primary'}" ` +
    'data-testid="confirm-ok"></button></div></div></div>';
  // textContent, never innerHTML: the dialog's texts come from the app.
  $('#confirm-root h2').textContent = text(dialog.title, 'Are you sure?');
  $('#confirm-root p').textContent = text(dialog.text, '');
  $('[data-testid="confirm-deny"]').textContent = text(dialog.deny, 'Cancel');
  const ok = $('[data-testid="confirm-ok"]');
  ok.textContent = text(dialog.confirm, 'Yes');
  ok.focus();
  confirmRoot.onclick = (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.closest('[data-testid="confirm-ok"]')) onConfirm();
    else if (!target.closest('[data-testid="confirm-deny"]') && target.closest('.confirm')) return;
    confirmRoot.innerHTML = '';
  };
}

modalRoot.addEventListener('click', (event) => {
  if (!snapshot?.modal || !(/** @type {HTMLElement} */ (event.target).closest('[data-close]'))) return;
  post('/api/close-modal', { user: me, viewId: snapshot.modal.id }).catch(showProblem);
});

modalRoot.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!snapshot?.modal) return;
  /** @type {Record<string, Record<string, string | null>>} */
  const values = {};
  for (const field of modalRoot.querySelectorAll('.field[data-block-id]')) {
    const control = /** @type {HTMLInputElement | null} */ (field.querySelector('[data-action-id]'));
    const blockId = field.getAttribute('data-block-id') ?? '';
    if (control) values[blockId] = { [control.dataset.actionId ?? '']: control.value === '' ? null : control.value };
  }
  const submit = /** @type {HTMLButtonElement | null} */ (modalRoot.querySelector('[data-testid="modal-submit"]'));
  if (submit) submit.disabled = true;
  await post('/api/submit', { user: me, viewId: snapshot.modal.id, values }).catch(showProblem);
  if (submit) submit.disabled = false;
});

$('#dollr').addEventListener('click', (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  const toggle = /** @type {HTMLElement | null} */ (target.closest('[data-dollr]'));
  const release = /** @type {HTMLElement | null} */ (target.closest('[data-release]'));
  if (toggle) post(`/api/dollr/${toggle.dataset.dollr}`).catch(showProblem);
  if (release) post(`/api/dollr/release/${encodeURIComponent(release.dataset.release ?? '')}`).catch(showProblem);
});

/** The Dollr panel in a narrow window: a drawer that the header's button opens and closes. */
const layout = $('#layout');
const dollrToggle = $('#dollr-toggle');
function openDollr(/** @type {boolean} */ open) {
  layout.classList.toggle('dollr-open', open);
  dollrToggle.setAttribute('aria-expanded', String(open));
}
dollrToggle.addEventListener('click', () => openDollr(!layout.classList.contains('dollr-open')));
$('#dollr-close').addEventListener('click', () => {
  openDollr(false);
  dollrToggle.focus();
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && layout.classList.contains('dollr-open') && !modalRoot.firstChild) openDollr(false);
});

function showProblem(/** @type {unknown} */ error) {
  const note = $('#problem');
  note.textContent = error instanceof Error ? error.message : String(error);
  note.hidden = false;
  setTimeout(() => (note.hidden = true), 5000);
}

connect();

/** The sidebar: the app's Home tab (Slack sends app_home_opened as it opens) or the channel. */
function showHome(/** @type {boolean} */ on) {
  document.body.classList.toggle('show-home', on);
  $('#nav-home').classList.toggle('active', on);
  $('#nav-channel').classList.toggle('active', !on);
  if (on) post('/api/home/open', { user: me }).catch(showProblem);
}
$('#nav-home').addEventListener('click', () => showHome(true));
$('#nav-channel').addEventListener('click', () => showHome(false));

// A button on the Home tab: the card's own buttons, with Slack's confirm dialog first.
$('#home').addEventListener('click', (event) => {
  const button = /** @type {HTMLButtonElement | null} */ (
    /** @type {HTMLElement} */ (event.target).closest('button[data-action-id]')
  );
  if (!button) return;
  const { actionId = '', blockId = '', value = '', confirm } = button.dataset;
  const click = () => post('/api/home/click', { user: me, actionId, blockId, value }).catch(showProblem);
  if (confirm) askToConfirm(JSON.parse(confirm), click);
  else click();
});
