import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unusedPort } from '../support/ports.js';
import { runCli } from '../support/processes.js';
import { useTemporaryDirectory } from '../support/temporary-directory.js';
import { createTestDatabase } from '../support/test-databases.js';

/**
 * What a newcomer or an operator sees when a start cannot go ahead: one message naming the variable to change and
 * the cause, exit code 78 (EX_CONFIG), and no stack trace to read through.
 */

const APP = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 'the-app-secret' };
const STACK_LINE = /\n\s+at /;

const data = useTemporaryDirectory('refusals');

function listening(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

function missingDatabaseName(): string {
  return `weapp_missing_${randomBytes(4).toString('hex')}`;
}

describe('a start that cannot use its database', () => {
  it('names DATABASE_URL, password masked, and the cause when PostgreSQL is unreachable', async () => {
    const port = await unusedPort();
    const { code, stderr } = await runCli(['serve'], {
      ...APP,
      NODE_ENV: 'test',
      DATA_DIR: data.path,
      DATABASE_URL: `postgres://weapp:pw-never-printed@127.0.0.1:${port}/weapp`,
    });
    expect(code).toBe(78);
    expect(stderr).toContain(`cannot use the database at DATABASE_URL=postgres://weapp:***@127.0.0.1:${port}/weapp: `);
    expect(stderr).toContain('ECONNREFUSED');
    expect(stderr).not.toContain('pw-never-printed');
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('says when the PostgreSQL database does not exist, for serve and for migrate', async () => {
    const url = `postgres://postgres@127.0.0.1:5432/${missingDatabaseName()}`;
    for (const command of ['serve', 'migrate']) {
      const { code, stderr } = await runCli([command], { ...APP, NODE_ENV: 'test', DATA_DIR: data.path, DATABASE_URL: url });
      expect(code, command).toBe(78);
      expect(stderr, command).toMatch(/database "weapp_missing_[0-9a-f]+" does not exist/);
      expect(stderr, command).not.toMatch(STACK_LINE);
    }
  });

  it('says when the MariaDB database does not exist, through the mariadb:// alias', async () => {
    const { code, stderr } = await runCli(['serve'], {
      ...APP,
      NODE_ENV: 'test',
      DATA_DIR: data.path,
      DATABASE_URL: `mariadb://root@127.0.0.1:3306/${missingDatabaseName()}`,
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/DATABASE_URL=mariadb:\/\/root@127\.0\.0\.1:3306\/weapp_missing_[0-9a-f]+: Unknown database/);
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('migrates a database named by mariadb://, MySQL’s alias', async () => {
    const database = await createTestDatabase('mariadb');
    try {
      const { code, stdout } = await runCli(['migrate'], {
        ...APP,
        NODE_ENV: 'test',
        DATA_DIR: data.path,
        DATABASE_URL: database.url.replace(/^mysql:/, 'mariadb:'),
      });
      expect(code).toBe(0);
      expect(stdout).toContain('is at the latest schema');
    } finally {
      await database.drop();
    }
  });

  it('refuses an unsupported URL scheme, naming what is', async () => {
    const { code, stderr } = await runCli(['serve'], {
      ...APP,
      NODE_ENV: 'test',
      DATA_DIR: data.path,
      DATABASE_URL: 'mongodb://admin:hunter2@127.0.0.1/weapp',
    });
    expect(code).toBe(78);
    expect(stderr).toContain(
      'DATABASE_URL "mongodb://admin:***@127.0.0.1/weapp" is not supported: use sqlite:PATH, postgres://…, mysql://… or mariadb://…',
    );
    expect(stderr).not.toContain('hunter2');
  });
});

describe('a start on a port that is taken', () => {
  let taken: Server;
  beforeAll(async () => {
    taken = await listening();
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
  });

  it('names PORT and how to pick another', async () => {
    const port = portOf(taken);
    const { code, stderr } = await runCli(['serve'], { ...APP, NODE_ENV: 'test', DATA_DIR: data.path, PORT: String(port) });
    expect(code).toBe(78);
    expect(stderr).toContain(`cannot listen on 127.0.0.1:${port} (HOST=127.0.0.1, PORT=${port}): the port is already in use`);
    expect(stderr).toContain('set PORT to a free port');
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('names METRICS_PORT when the metrics listener’s port is the one taken', async () => {
    const port = portOf(taken);
    const { code, stderr } = await runCli(['serve'], { ...APP, NODE_ENV: 'test', DATA_DIR: data.path, METRICS_PORT: String(port) });
    expect(code).toBe(78);
    expect(stderr).toContain(`(METRICS_HOST=127.0.0.1, METRICS_PORT=${port}): the port is already in use`);
    expect(stderr).not.toMatch(STACK_LINE);
  });
});

describe('a start with a NODE_ENV that is not one of the three', () => {
  it('refuses "prod" rather than falling back to development and the simulator', async () => {
    const { code, stderr, stdout } = await runCli(['serve'], { NODE_ENV: 'prod', DATA_DIR: data.path });
    expect(code).toBe(78);
    expect(stderr).toContain('NODE_ENV must be one of development, test, production, got "prod"');
    expect(stdout + stderr).not.toContain('SIMULATOR MODE');
  });
});
