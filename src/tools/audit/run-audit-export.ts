/**
 * The audit export from arguments and environment to exit code, with every way it can end said in
 * one line on stderr: 0 done, 2 bad arguments (with the usage), 1 anything else (no store, store
 * unreachable, output not writable). The CLI (../audit-export.ts) only hands it the process's parts.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { createStore, type Store } from '../../adapters/store/create-store.ts';
import { parseStoreUrl, type StoreLocation } from '../../adapters/store/store-url.ts';
import { exportAudit } from './export-audit.ts';
import { USAGE, parseAuditArgs, type AuditArgs } from './parse-audit-args.ts';
import { createProgress } from './progress.ts';
import { plural } from '../../core/plural.ts';

export interface AuditExportIo {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  /** Base of relative paths (SQLite file, --out); default the working directory. */
  cwd?: string;
}

const NAME = 'audit-export';

export async function runAuditExport(io: AuditExportIo): Promise<number> {
  const say = (line: string) => void io.stderr.write(`${line}\n`);
  const parsed = parseAuditArgs(io.argv);
  if (!parsed.ok) {
    say(
      `${parsed.error
        .split('\n')
        .map((problem) => `${NAME}: ${problem}`)
        .join('\n')}\n\n${USAGE}`,
    );
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const cwd = io.cwd ?? process.cwd();
  const opened = await openStore(io.env.STORE_URL, cwd);
  if (!opened.ok) {
    say(`${NAME}: ${opened.error}`);
    return 1;
  }
  try {
    return await exportTo(opened.store, opened.where, parsed.args, io, cwd);
  } finally {
    await opened.store.close().catch(() => {});
  }
}

type Opened = { ok: true; store: Store; where: string } | { ok: false; error: string };

/** Opens the store and checks that it answers; refuses a store that cannot hold the app's data. */
async function openStore(url: string | undefined, cwd: string): Promise<Opened> {
  let location: StoreLocation;
  try {
    location = parseStoreUrl(url, cwd);
  } catch (error) {
    return { ok: false, error: messageOf(error) };
  }
  if (location.kind === 'memory') {
    return {
      ok: false,
      error:
        'STORE_URL is memory://, which holds nothing outside the running app. ' +
        "Point STORE_URL at the app's SQLite file or Redis.",
    };
  }
  const where = location.kind === 'sqlite' ? location.file : location.url.replace(/\/\/[^/@]*@/, '//***@');
  // Opening a SQLite file that is not there would create an empty store and export nothing.
  if (location.kind === 'sqlite' && !existsSync(location.file)) {
    return {
      ok: false,
      error:
        `There is no store at ${where}. ` +
        "Set STORE_URL (or run from the app's directory) to export the app's store.",
    };
  }
  let store: Store | undefined;
  try {
    store = await createStore(url, { cwd, role: 'reader' });
    await store.ping();
    return { ok: true, store, where };
  } catch (error) {
    await store?.close().catch(() => {});
    return { ok: false, error: `Cannot reach the store at ${where}: ${messageOf(error)}` };
  }
}

async function exportTo(store: Store, where: string, args: AuditArgs, io: AuditExportIo, cwd: string): Promise<number> {
  const target = args.out === undefined ? undefined : resolve(cwd, args.out);
  // A file is written next to its final name and renamed when complete: never a truncated export under that name.
  const partial = target === undefined ? undefined : `${target}.partial`;
  let out: Writable = io.stdout;
  if (partial !== undefined) {
    const file = createWriteStream(partial);
    try {
      await once(file, 'open');
    } catch (error) {
      io.stderr.write(`${NAME}: cannot write ${partial}: ${messageOf(error)}\n`);
      return 1;
    }
    out = file;
  }
  const progress = createProgress({ write: (text) => io.stderr.write(text), tty: io.stderr.isTTY === true });
  try {
    const summary = await exportAudit({
      store,
      since: args.since,
      until: args.until,
      format: args.format,
      out,
      onProgress: progress.update,
    });
    if (partial !== undefined && target !== undefined) {
      out.end();
      await once(out, 'finish');
      await rename(partial, target);
    }
    progress.finish();
    io.stderr.write(
      `exported ${plural(summary.events, 'event')} from ${plural(summary.requests, 'request')} ` +
        `to ${target ?? 'stdout'}\n`,
    );
    return 0;
  } catch (error) {
    progress.finish();
    if (partial !== undefined) {
      out.destroy();
      await rm(partial, { force: true });
    }
    const outcome = partial === undefined ? 'the output above is incomplete' : `nothing was written to ${target}`;
    io.stderr.write(`${NAME}: the export failed (${messageOf(error)}); ${outcome}. Store: ${where}\n`);
    return 1;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
