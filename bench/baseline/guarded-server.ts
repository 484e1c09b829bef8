/**
 * Diagnostic, not a baseline: the real server (same startServer as `weapp-auth serve`, same environment) with one
 * extra route behind the auth guard that answers a constant. Beside GET /api/me it splits the guard's cost from
 * the profile read that /api/me makes on every request.
 */
import { loadConfig, startServer } from '../../src/index.js';

const server = await startServer(loadConfig(), {
  routes: async (app) => {
    app.get('/bench/guarded', { preHandler: app.authenticate }, async () => ({ ok: true }));
  },
});
// Stopped like the CLI: in-flight requests finish, pools close, and a --cpu-prof profile gets written.
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
