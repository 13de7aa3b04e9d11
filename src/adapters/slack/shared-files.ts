/**
 * A CSV file shared in a channel, read for a batch of refunds: found by its name among the files the
 * bot can see in that channel (files.list, newest first), checked (text, at most 64 KB), and
 * downloaded with the bot token from Slack's own file host only: the token never goes anywhere else.
 * Slack answers a download it refuses with its sign-in page (HTML, status 200), never with an error
 * status, so the answer's type is checked before a line of it is read.
 */
import type { WebClient } from '@slack/web-api';
import { raceDeadline } from '../deadline.ts';

/** 100 lines of `payment ID, amount, reason` with reasons of a few words fit easily. */
const FILE_MAX_BYTES = 64 * 1024;
const TEXT_TYPES = new Set(['csv', 'text', 'tsv']);
/** The view submission must be answered within 3 s: the whole read gets 2. */
const READ_DEADLINE_MS = 2000;

type SharedFileRead = { ok: true; text: string } | { ok: false; problem: string };

export interface SharedFiles {
  /** The text of the newest file called `name` shared in `channelId`, or what is wrong, in a person's words. */
  readCsv(channelId: string, name: string): Promise<SharedFileRead>;
}

interface ListedFile {
  name?: string;
  filetype?: string;
  size?: number;
  created?: number;
  url_private_download?: string;
}

export function createSharedFiles(options: {
  client: WebClient;
  botToken: string;
  /** The Slack API base in use; its host may serve files too (a proxy, the tests' fake). */
  apiUrl?: string;
}): SharedFiles {
  const fileHosts = new Set(['files.slack.com']);
  if (options.apiUrl) fileHosts.add(new URL(options.apiUrl).host);

  async function read(channelId: string, name: string): Promise<SharedFileRead> {
    const shown = `“${name}”`;
    const listed = await options.client.files.list({ channel: channelId, count: 100 });
    const file = ((listed.files ?? []) as ListedFile[])
      .filter((f) => f.name === name)
      .sort((a, b) => (b.created ?? 0) - (a.created ?? 0))[0];
    if (!file) {
      return problem(
        `I see no file named ${shown} in <#${channelId}>. Share it there (in a channel I am in), ` +
          'then type its name exactly, or paste the lines instead.',
      );
    }
    if (!TEXT_TYPES.has(file.filetype ?? '')) return problem(`${shown} is not a CSV file: share the lines as CSV.`);
    if ((file.size ?? 0) > FILE_MAX_BYTES) {
      return problem(`${shown} is larger than ${FILE_MAX_BYTES / 1024} KB; a batch holds at most 100 lines.`);
    }
    const url = file.url_private_download ? new URL(file.url_private_download) : undefined;
    if (!url || !fileHosts.has(url.host)) return problem(`Slack did not give me a way to download ${shown}.`);
    const answer = await fetch(url, { headers: { authorization: `Bearer ${options.botToken}` }, redirect: 'error' });
    const type = answer.headers.get('content-type') ?? '';
    if (!answer.ok || type.includes('text/html')) {
      return problem(
        `Slack did not let me download ${shown}: the app may lack the files:read permission ` +
          '(an admin reinstalls it from manifest.yml). Paste the lines instead.',
      );
    }
    const text = await answer.text();
    if (Buffer.byteLength(text) > FILE_MAX_BYTES) return problem(`${shown} is larger than 64 KB.`);
    return { ok: true, text };
  }

  return {
    async readCsv(channelId, name) {
      const late = () => new Error('too slow');
      try {
        return await raceDeadline(read(channelId, name), READ_DEADLINE_MS, late);
      } catch (error) {
        const slackSaid = (error as { data?: { error?: string } }).data?.error;
        return problem(
          slackSaid === 'missing_scope'
            ? 'The app lacks the files:read permission: an admin reinstalls it from manifest.yml. ' +
                'Paste the lines instead.'
            : `I could not read “${name}”${slackSaid ? ` (Slack said ${slackSaid})` : ' in time'}. ` +
                'Try again, or paste the lines instead.',
        );
      }
    },
  };
}

const problem = (text: string): SharedFileRead => ({ ok: false, problem: text });
