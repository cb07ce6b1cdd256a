/**
 * A real browser for tests: Debian's chromium (`apt-get install -y chromium`) driven by
 * playwright-core. Without it the browser tests are skipped loudly — unless
 * SCHEMASAGE_REQUIRE_BROWSER=1 (CI), when they fail.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.SCHEMASAGE_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots kept as test artefacts (not committed). */
export const ARTIFACTS_DIR = resolve(import.meta.dirname, '../../test-results/screenshots');

export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.SCHEMASAGE_REQUIRE_BROWSER === '1') {
    throw new Error(`SCHEMASAGE_REQUIRE_BROWSER=1 but there is no browser at ${CHROMIUM} (apt-get install -y chromium, or set SCHEMASAGE_CHROMIUM)`);
  }
  console.warn(`\n*** SKIPPING browser tests: no Chromium at ${CHROMIUM}. Install it with apt-get install -y chromium, or set SCHEMASAGE_CHROMIUM. ***\n`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return resolve(ARTIFACTS_DIR, name);
}

/**
 * Validates Mermaid sources with Mermaid itself (the library GitHub renders with), inside the
 * browser: returns one error message per invalid diagram, or null for a valid one.
 */
export async function mermaidErrors(browser: Browser, sources: readonly string[]): Promise<Array<string | null>> {
  const page = await browser.newPage();
  try {
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: resolve(import.meta.dirname, '../../node_modules/mermaid/dist/mermaid.min.js') });
    return await page.evaluate(async (list: string[]) => {
      const m = (globalThis as unknown as { mermaid: { initialize(o: object): void; parse(s: string): Promise<unknown> } }).mermaid;
      m.initialize({ startOnLoad: false });
      const out: Array<string | null> = [];
      for (const src of list) {
        try {
          await m.parse(src);
          out.push(null);
        } catch (err) {
          out.push(String((err as Error)?.message ?? err));
        }
      }
      return out;
    }, [...sources]);
  } finally {
    await page.close();
  }
}
