// Headless Chromium for browser tests: Debian's `chromium` package (installed by
// .ci/run from .ci/apt-packages) driven by playwright-core. `npx playwright install`
// cannot download browsers here, so the executable is the system one.
//
// Without Chromium the browser suites are skipped with a warning, like the PostgreSQL
// suites without a server — unless OMNIHUB_TEST_REQUIRE_BROWSER=1 (CI), which turns a
// missing browser into a failure.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone (390 × 844 CSS px, touch) and a desktop window. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };

/** Where screenshots go (git-ignored). */
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', '..', 'artifacts');

export function browserRequired(): boolean {
  return process.env.OMNIHUB_TEST_REQUIRE_BROWSER === '1';
}

/**
 * Whether browser suites can run: true when Chromium is installed. When it is not,
 * returns false with a warning, or throws if OMNIHUB_TEST_REQUIRE_BROWSER=1.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const msg = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (browserRequired()) throw new Error(`${msg}; OMNIHUB_TEST_REQUIRE_BROWSER=1 forbids skipping the browser suites`);
  console.warn(`[omnihub tests] ${msg}: the browser suites are skipped.`);
  return false;
}

export function launchChromium(opts: { slowMo?: number } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, ...opts });
}

/** Saves a full-page screenshot as `artifacts/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
