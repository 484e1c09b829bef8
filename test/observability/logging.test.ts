import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logging.js';

/** Lines a logger at trace writes, parsed. */
function capture(): { lines: Record<string, any>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, any>[] = [];
  const logger = createLogger('trace', { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('log redaction', () => {
  it('censors secret-named fields at the top level and one level down, leaving the caller objects as they were', () => {
    const { lines, logger } = capture();
    const body = { code: 'wx-code-123456', nickname: 'n' };
    const logged = { accessToken: 'access-abcdefgh', body, app: 'wx1', nested: { deeper: { secret: 'kept-two-levels-down' } } };
    logger.child({ reqId: 'r1' }).info(logged, 'hello');
    expect(lines[0]).toMatchObject({
      reqId: 'r1',
      msg: 'hello',
      app: 'wx1',
      accessToken: '[redacted]',
      body: { code: '[redacted]', nickname: 'n' },
    });
    // One level down is the rule (as pino's `*.field` was); deeper structures are the callers' to keep clean.
    expect(lines[0]?.nested).toStrictEqual({ deeper: { secret: 'kept-two-levels-down' } });
    expect(logged.accessToken).toBe('access-abcdefgh');
    expect(body.code).toBe('wx-code-123456');
  });

  it('still serializes an Error whose field is censored as an error, message and stack included', () => {
    const { lines, logger } = capture();
    const error = Object.assign(new Error('upstream refused'), { code: 'ECONNREFUSED' });
    logger.error({ err: error }, 'failed');
    expect(lines[0]?.err).toMatchObject({ type: 'Error', message: 'upstream refused', code: '[redacted]' });
    expect(lines[0]?.err.stack).toContain('upstream refused');
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('censors a secret behind a getter or a read-only field, and the request headers carrying credentials', () => {
    const { lines, logger } = capture();
    const frozen = Object.freeze({ refreshToken: 'refresh-abcdefgh' });
    const withGetter = {
      get sessionKey(): string {
        return 'session-key-abcdefgh';
      },
    };
    logger.info({ frozen, withGetter, req: { method: 'GET', url: '/x', ip: '127.0.0.1', headers: { authorization: 'Bearer t' } } });
    expect(lines[0]?.frozen).toStrictEqual({ refreshToken: '[redacted]' });
    expect(lines[0]?.withGetter).toStrictEqual({ sessionKey: '[redacted]' });
    expect(JSON.stringify(lines[0])).not.toContain('Bearer t');
  });
});
