/**
 * Debian's Chromium driven by playwright-core (which downloads no browser). The flags keep it off the network
 * this machine does not have; a fresh profile per run keeps runs independent.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { removeDirectory, temporaryDirectory } from '../support/temporary-directory.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Without Chromium a developer's run skips the browser test; CI must have it (.ci/run installs it). */
export function chromiumMissingOutsideCi(): boolean {
  return !existsSync(CHROMIUM_PATH) && !process.env.CI;
}

export interface Browser {
  page: Page;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  // Playwright refuses --user-data-dir in args: a persistent context is how it takes a profile directory.
  const profile = temporaryDirectory('chromium');
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
    });
  } catch (error) {
    removeDirectory(profile);
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close();
      removeDirectory(profile);
    },
  };
}

/** Clicks a phone button and waits until its whole flow (every exchange) has finished. */
export async function tap(page: Page, action: string): Promise<void> {
  await page.click(`button[data-action="${action}"]`);
  await page.locator('body:not(.busy)').waitFor();
}
