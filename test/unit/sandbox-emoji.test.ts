/**
 * Every emoji shortcode the app writes (in src/adapters/slack and src/core) is drawn by the sandbox
 * (src/sandbox/public/emoji.ts): a new shortcode in the app fails here until the sandbox draws it too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emojiHtml } from '../../src/sandbox/public/emoji.ts';
import { renderMrkdwn } from '../../src/sandbox/public/mrkdwn.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const APP_DIRS = ['adapters/slack', 'core'];

/** `:name:` with at least one letter, not part of a word, a URL or a longer run of colons ("12:30:45", "a:b:c"). */
const SHORTCODE = /(?<![A-Za-z0-9_:/}]):([a-z0-9_+-]*[a-z][a-z0-9_+-]*):(?![A-Za-z0-9_$])/g;

function shortcodesIn(text: string): string[] {
  return [...text.matchAll(SHORTCODE)].map((m) => m[1]!);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function appShortcodes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dir of APP_DIRS) {
    for (const file of sourceFiles(join(SRC, dir))) {
      for (const name of shortcodesIn(readFileSync(file, 'utf8'))) {
        const where = file.slice(SRC.length);
        found.set(name, [...new Set([...(found.get(name) ?? []), where])]);
      }
    }
  }
  return found;
}

const ctx = { userName: () => undefined, channelName: () => undefined };

describe("the sandbox's emoji", () => {
  it('finds shortcodes, and not times, keys or URLs', () => {
    const key = ['$', '{ns}:request:', '$', '{id}'].join('');
    expect(shortcodesIn(`\`:bell: at 12:30:45 ${key} https://x.y:8080: ':new_thing:'`)).toEqual(['bell', 'new_thing']);
  });

  it('draws every shortcode the app uses', () => {
    const used = appShortcodes();
    // The app's cards and replies use a dozen; finding none would mean the search is broken.
    expect(used.size).toBeGreaterThanOrEqual(10);
    const missing = [...used]
      .filter(([name]) => emojiHtml(name) === undefined)
      .map(([name, files]) => {
        return `:${name}: (${files.join(', ')})`;
      });
    expect(missing, 'add these to src/sandbox/public/emoji.ts').toEqual([]);
    for (const name of used.keys()) expect(renderMrkdwn(`:${name}:`, ctx)).toMatch(/^<svg class="emoji"/);
  });
});
