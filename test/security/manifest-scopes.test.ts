/**
 * The manifest asks for exactly the scopes the code uses: every Web API method the app calls is
 * listed below with what it needs, so a new call fails here until its scope is decided.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CALLBACKS } from '../../src/adapters/slack/ids.ts';

/** What each Web API method the app calls needs (bot token). */
const SCOPES_OF_METHOD: Record<string, string[]> = {
  'auth.test': [],
  'views.open': [],
  'views.publish': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  // Crash recovery reads a card's channel and thread, in public and private channels.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'usergroups.users.list': ['usergroups:read'],
  // A batch of refunds may name a CSV file shared in the channel; the download needs the same scope.
  'files.list': ['files:read'],
};
/** Scopes that come with a feature rather than a method: the slash command and the shortcut. */
const FEATURE_SCOPES = ['commands'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fakes' || name === 'sandbox' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const methodsCalled = [
  ...new Set(
    sourceFiles('src').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/client\.([a-z]+(?:\.[a-zA-Z]+)+)\(/g)].map((m) => m[1]!),
    ),
  ),
].sort();

const manifest = parse(readFileSync('manifest.yml', 'utf8')) as {
  oauth_config: { scopes: { bot: string[] } };
  features: { shortcuts?: Array<{ callback_id: string; type: string }>; app_home?: { home_tab_enabled?: boolean } };
  settings: { event_subscriptions?: { bot_events?: string[] } };
};
const asked = [...manifest.oauth_config.scopes.bot].sort();

describe('the manifest', () => {
  it('knows every Web API method the app calls', () => {
    expect(methodsCalled.length).toBeGreaterThan(5);
    expect(methodsCalled.filter((m) => !(m in SCOPES_OF_METHOD))).toEqual([]);
  });

  it('asks for the scopes those methods need, and no others', () => {
    const needed = [...new Set([...FEATURE_SCOPES, ...methodsCalled.flatMap((m) => SCOPES_OF_METHOD[m] ?? [])])];
    expect(asked).toEqual(needed.sort());
  });

  it('creates the shortcuts the app listens for', () => {
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'message', callback_id: CALLBACKS.refundFromMessage }),
      expect.objectContaining({ type: 'global', callback_id: CALLBACKS.newRequest }),
    ]);
  });

  it('turns the Home tab on and subscribes to its one event', () => {
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
  });

  it('does not ask for chat:write.public: a card must go where the bot can also read its thread', () => {
    expect(asked).not.toContain('chat:write.public');
  });
});
