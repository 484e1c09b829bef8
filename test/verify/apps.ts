import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { expressAuth, fastifyAuth, koaAuth, type TokenVerifier } from '../../src/verify/index.js';
import { WeappAuthGuard } from '../../src/verify/nestjs.js';
import { call, type JsonResponse } from '../support/harness.js';

/** A user's own backend on a random port with one route, GET /whoami, answering the claims the middleware set. */
export interface App {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<App> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function expressApp(verifier: TokenVerifier): Promise<App> {
  const app = express();
  app.use(expressAuth(verifier));
  app.get('/whoami', (req, res) => {
    res.json((req as unknown as { auth: unknown }).auth);
  });
  return listen(createServer(app));
}

/** GET /whoami with `token`, once, through an Express app guarded by `verifier` that is closed afterwards. */
export async function whoamiThroughExpress(verifier: TokenVerifier, token: string): Promise<JsonResponse> {
  const app = await expressApp(verifier);
  try {
    return await call(app.url, 'GET', '/whoami', { token });
  } finally {
    await app.close();
  }
}

export async function koaApp(verifier: TokenVerifier): Promise<App> {
  const app = new Koa();
  app.use(koaAuth(verifier));
  app.use(async (ctx) => {
    if (ctx.path === '/whoami') ctx.body = ctx.state.auth;
  });
  return listen(createServer(app.callback()));
}

export async function fastifyApp(verifier: TokenVerifier): Promise<App> {
  const app = Fastify();
  app.decorateRequest('auth', null);
  app.get('/whoami', { preHandler: fastifyAuth(verifier) }, async (request) => request.auth);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}

export async function nestApp(verifier: TokenVerifier): Promise<App> {
  // Decorators applied as plain calls: no experimentalDecorators needed in this repository.
  class WhoamiController {
    whoami(request: { auth: unknown }): unknown {
      return request.auth;
    }
  }
  Controller()(WhoamiController);
  Req()(WhoamiController.prototype, 'whoami', 0);
  Get('whoami')(WhoamiController.prototype, 'whoami', Object.getOwnPropertyDescriptor(WhoamiController.prototype, 'whoami')!);
  class AppModule {}
  Module({ controllers: [WhoamiController] })(AppModule);

  const app = await NestFactory.create(AppModule, { logger: false });
  app.useGlobalGuards(new WeappAuthGuard(verifier));
  await app.listen(0, '127.0.0.1');
  return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => app.close() };
}
