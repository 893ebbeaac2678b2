/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer, { Browser, Page } from 'puppeteer-core';

/**
 * Where Chromium is: CHROMIUM_PATH, else Debian's /usr/bin/chromium (`.ci/run` installs it). The
 * pages are checked in a real browser, so a missing browser fails the suites, unless
 * SKIP_BROWSER_TESTS=1 says, on purpose, that this machine cannot run one.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SKIP_BROWSER = process.env.SKIP_BROWSER_TESTS === '1';

/** A headless Chromium, or an error saying how to get one. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH; SKIP_BROWSER_TESTS=1 skips this suite`,
    );
  }
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a container has no user namespace for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** A file opened in a new tab, with every console error, page error and request it made. */
export async function openFile(
  browser: Browser,
  path: string,
): Promise<{ tab: Page; errors: string[]; requests: string[]; url: string }> {
  const tab = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  tab.on('pageerror', (error) => errors.push(String(error)));
  tab.on('request', (request) => requests.push(request.url()));
  const url = pathToFileURL(path).href;
  await tab.goto(url, { waitUntil: 'load' });
  return { tab, errors, requests, url };
}
