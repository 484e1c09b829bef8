import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Starts a simulator's Fastify app on `host` (port 0 or absent: a free one): its base URL and how to stop it. */
export async function listenSimulator(app: FastifyInstance, host: string, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  await app.listen({ port, host });
  const { port: bound } = app.server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: async () => {
      await app.close();
    },
  };
}
