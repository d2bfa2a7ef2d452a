import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install -y chromium), or $ALPR_CHROMIUM. */
export const CHROMIUM = process.env.ALPR_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when Chromium is installed. */
export const noChromium: string | undefined = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A headless Chromium that reaches nothing but what the test serves. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Waits until the crop of hit `hitId` is drawn on the page (loaded and decoded, not only in the markup). */
export async function waitForCropDrawn(page: Page, hitId: string): Promise<void> {
  await page.waitForFunction(
    (id) => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
        `article[data-hit-id="${id}"] .crop img`,
      ) as {
        complete: boolean;
        naturalWidth: number;
      } | null;
      return !!el && el.complete && el.naturalWidth > 0;
    },
    hitId,
    { timeout: 5000 },
  );
}

/** How many times the page started its alert sound (the page counts them in __alprAudioStarts). */
export function alertSounds(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as { __alprAudioStarts?: number }).__alprAudioStarts ?? 0);
}

/** Waits until the page has started its alert sound more than `before` times. */
export async function waitForAlertSound(page: Page, before = 0): Promise<void> {
  await page.waitForFunction(
    (n) => ((globalThis as { __alprAudioStarts?: number }).__alprAudioStarts ?? 0) > n,
    before,
    { timeout: 5000 },
  );
}
