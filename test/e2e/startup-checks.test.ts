/**
 * A start checks Dollr's credentials with a token request: refused credentials stop it with what to
 * check; an unreachable Dollr lets it start, with a warning in the log and in /metrics.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { StartupError } from '../../src/startup-checks.ts';
import { startSystem } from '../support/system.ts';

describe('start-up checks', () => {
  it('stop the start when Dollr refuses the client credentials, naming the settings', async () => {
    const started = startSystem({ dollr: { clientSecret: 'another-secret-entirely' } });
    await expect(started).rejects.toBeInstanceOf(StartupError);
    await expect(started).rejects.toThrow(
      /Dollr refused the client credentials .*DOLLR_CLIENT_ID and DOLLR_CLIENT_SECRET/,
    );
  });

  it('start with a warning when Dollr cannot be reached, and say so in /metrics', async () => {
    // A port nothing listens on.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const system = await startSystem({ env: { DOLLR_API_URL: `http://127.0.0.1:${port}` } });
    try {
      expect(system.logLines.some((l) => l.includes('dollr could not be reached at start'))).toBe(true);
      const metrics = await (await fetch(`http://127.0.0.1:${system.running.port}/metrics`)).text();
      expect(metrics).toMatch(/^dollr_slack_dollr_reachable 0$/m);
    } finally {
      await system.stop();
    }
  });
});
