import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { parseStoreUrl } from '../../src/adapters/store/store-url.ts';

const cwd = '/srv/dollr';

describe('parseStoreUrl', () => {
  it('defaults to the embedded SQLite file under ./data when unset or blank', () => {
    expect(parseStoreUrl(undefined, cwd)).toEqual({ kind: 'sqlite', file: '/srv/dollr/data/dollr-slack.sqlite' });
    expect(parseStoreUrl('  ', cwd)).toEqual({ kind: 'sqlite', file: '/srv/dollr/data/dollr-slack.sqlite' });
  });

  it('reads sqlite://relative paths against the working directory and sqlite:/// as absolute', () => {
    expect(parseStoreUrl('sqlite://state/app.sqlite', cwd)).toEqual({
      kind: 'sqlite',
      file: '/srv/dollr/state/app.sqlite',
    });
    expect(parseStoreUrl('sqlite:///var/lib/dollr.sqlite', cwd)).toEqual({
      kind: 'sqlite',
      file: '/var/lib/dollr.sqlite',
    });
  });

  it('accepts memory://', () => {
    expect(parseStoreUrl('memory://')).toEqual({ kind: 'memory' });
  });

  it('passes redis:// and rediss:// URLs, with password and database, to node-redis as given', () => {
    expect(parseStoreUrl('redis://127.0.0.1:6379')).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
    expect(parseStoreUrl('rediss://:s3cret@cache.internal:6380/2')).toEqual({
      kind: 'redis',
      url: 'rediss://:s3cret@cache.internal:6380/2',
    });
    expect(parseStoreUrl('redis://localhost')).toEqual({ kind: 'redis', url: 'redis://localhost' });
  });

  it('refuses anything else, listing the accepted forms', () => {
    for (const url of ['postgres://db/dollr', 'redis.internal:6379', 'file:///tmp/x.sqlite']) {
      expect(() => parseStoreUrl(url)).toThrow(
        /redis:\/\/.*rediss:\/\/.*sqlite:\/\/relative.*sqlite:\/\/\/absolute.*memory:\/\//,
      );
    }
  });

  it('says what is wrong with a near miss', () => {
    expect(() => parseStoreUrl('sqlite://')).toThrow(/SQLite file name is missing/);
    expect(() => parseStoreUrl('redis://:6379')).toThrow(/not a valid URL|host is missing/);
    expect(() => parseStoreUrl('redis://localhost:6379/cache')).toThrow(/database must be a number/);
  });

  it('never repeats a password in the message', () => {
    expect(() => parseStoreUrl('redis://:s3cret@localhost:6379/cache')).toThrow(/redis:\/\/\*\*\*@localhost/);
    expect(() => parseStoreUrl('redis://:s3cret@localhost:6379/cache')).not.toThrow(/s3cret/);
  });
});

describe('createStore', () => {
  it('rejects an unsupported URL before opening anything', async () => {
    await expect(createStore('mongodb://localhost/dollr')).rejects.toThrow(/is not supported.*redis:\/\//);
  });
});
