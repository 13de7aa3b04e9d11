/** /readyz answers with its status only: the store's error (host, port, auth state) goes to the log. */
import { describe, expect, it } from 'vitest';
import { startSystem } from '../support/system.ts';

describe('/readyz', () => {
  it('says "not ready" without the store error, which is logged', async () => {
    const system = await startSystem({ env: { STORE_URL: 'redis://:hunter2-password@127.0.0.1:1/0' } });
    try {
      const response = await fetch(`http://127.0.0.1:${system.running.port}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'not_ready', store: 'unavailable' });
      expect(system.logLines.some((l) => l.includes('not ready: the store does not answer'))).toBe(true);
    } finally {
      await system.stop();
    }
  });
});
