import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/adapters/log/json-logger.ts';

describe('createJsonLogger', () => {
  it('writes JSON lines at or above its level, secrets redacted everywhere', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({
      level: 'info',
      secrets: ['xoxb-secret-token', 'pass"code'],
      write: (l) => lines.push(l),
    });
    logger.debug('hidden');
    logger.info('token xoxb-secret-token used', { header: 'Bearer xoxb-secret-token', nested: { p: 'pass"code' } });
    logger.error('failed', { error: Object.assign(new Error('boom xoxb-secret-token'), { code: 'E1' }) });
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('xoxb-secret-token');
    expect(lines.join('\n')).not.toContain('pass\\"code');
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ level: 'info', msg: 'token [REDACTED] used', header: 'Bearer [REDACTED]' });
    expect(JSON.parse(lines[1]!).error).toEqual({ name: 'Error', message: 'boom [REDACTED]', code: 'E1' });
  });
});
