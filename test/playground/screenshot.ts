/**
 * Writes docs/images/playground.png, the README's picture of the playground: a fresh simulator-mode server, a
 * login, /api/me and a phone number, so the phone and the log both have something to show.
 * Run once after changing the page: `npx tsx test/playground/screenshot.ts`.
 */
import { fileURLToPath } from 'node:url';
import { startEmbeddedServer } from '../support/embedded-server.js';
import { launchChromium, tap } from './chromium.js';

const OUTPUT = fileURLToPath(new URL('../../docs/images/playground.png', import.meta.url));

const { server, close } = await startEmbeddedServer();
const browser = await launchChromium({ width: 1160, height: 920 });
try {
  await browser.page.goto(server.url);
  await browser.page.locator('body:not(.busy)').waitFor();
  for (const action of ['login', 'me', 'phone']) await tap(browser.page, action);
  // Tapping scrolled the phone's screen; the picture should open on the session card.
  await browser.page.locator('.screen').evaluate((screen) => screen.scrollTo(0, 0));
  await browser.page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await close();
}
