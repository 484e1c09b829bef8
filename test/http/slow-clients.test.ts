import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { call, useHarness } from '../support/harness.js';

const h = useHarness({ HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' });

/** Far beyond the configured timeouts (and Node's once-a-second check), far below Node's own 60 s default. */
const DEADLINE_MS = 10_000;

/**
 * Opens a raw connection, sends `start`, then one byte of `trickled` (if any) every 200 ms. Resolves with what the server
 * answered once it closes the connection, or 'still open' at the deadline.
 */
function trickle(start: string, trickled: string): Promise<string> {
  const { port } = new URL(h.server.url);
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let sent = 0;
    const dripping = setInterval(() => {
      if (trickled !== '') socket.write(trickled[sent++ % trickled.length] ?? '');
    }, 200);
    const deadline = setTimeout(() => finish('still open'), DEADLINE_MS);
    function finish(outcome: string): void {
      clearInterval(dripping);
      clearTimeout(deadline);
      socket.destroy();
      resolve(outcome);
    }
    socket.on('connect', () => socket.write(start));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(answer));
  });
}

describe('slow clients', () => {
  it('are cut off when their headers trickle in a byte at a time', async () => {
    const answer = await trickle('POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n');
    expect(answer).toMatch(/^(HTTP\/1\.1 408|$)/);
  });

  it('are cut off when their body trickles in a byte at a time', async () => {
    const head = 'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const answer = await trickle(head, ' ');
    expect(answer).toMatch(/^(HTTP\/1\.1 408|$)/);
  });

  it('are cut off when they connect and send nothing', async () => {
    expect(await trickle('', '')).toMatch(/^(HTTP\/1\.1 408|$)/);
  });

  it('keep an idle keep-alive connection only as long as configured', async () => {
    const answer = await trickle('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n', '');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('leave ordinary requests alone', async () => {
    expect((await call(h.server.url, 'GET', '/healthz')).status).toBe(200);
  });
});
