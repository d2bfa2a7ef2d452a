import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { PAGE_VERIFICATION_NOTICE, WEB_CSP } from '../../daemon/api/web-constants.js';
import { resolveFfmpegPath } from '../../daemon/camera/ffmpeg-path.js';
import { ensureWebBundle } from '../../scripts/build-web.js';
import { sampleHit } from '../../web/test/sample-hit.js';
import { announceSkip } from '../helpers/skip.js';
import { type ContractStub, startContractStub } from './contract-stub-server.js';
import { alertSounds, launchChromium, noChromium, waitForAlertSound, waitForCropDrawn } from '../helpers/browser.js';

/**
 * The built page in a real browser (Debian's Chromium driven by playwright-core) against a stub
 * of its routes: it loads under the strict Content-Security-Policy without a violation, a pushed
 * hit appears with its crop and the UNVERIFIED banner, and its alert sound starts.
 */
const root = join(import.meta.dirname, '..', '..');
const OUTPUT = join(root, 'test-output', 'web');

const haveChromium = !noChromium;
if (noChromium) announceSkip('page smoke test', noChromium);
const suite = haveChromium ? describe : describe.skip;

suite('the page in a real browser (stubbed routes)', () => {
  let stub: ContractStub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  /** A tab that records console errors and CSP violations (through the DOM event as well as the console, which words them differently by version). */
  const openTab = async (): Promise<Page> => {
    const p = await context.newPage();
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    p.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
    await p.addInitScript(() => {
      const w = globalThis as unknown as {
        __csp: string[];
        addEventListener(type: string, fn: (e: unknown) => void): void;
      };
      w.__csp = [];
      w.addEventListener('securitypolicyviolation', (e) => {
        const v = e as { violatedDirective: string; blockedURI: string };
        w.__csp.push(`${v.violatedDirective} ${v.blockedURI}`);
      });
    });
    return p;
  };

  beforeAll(async () => {
    const webDir = await ensureWebBundle();
    const cropJpeg = await sharp(join(root, 'test-fixtures', 'plates', 'BKR4721-plate.png'))
      .resize({ width: 240 })
      .jpeg()
      .toBuffer();
    stub = await startContractStub({
      webDir,
      username: 'deputy.ray',
      password: 'correct horse 42',
      cropJpeg,
      live: { ffmpeg: resolveFfmpegPath(), clip: join(root, 'test-fixtures', 'drive-by.mp4') },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    page = await openTab();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stub?.close();
  });

  it('loads with the strict CSP, logs in, and shows a pushed hit with its crop, banner and sound', async () => {
    const res = await page.goto(stub.url);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toBe(WEB_CSP);

    await page.fill('#login-user', 'deputy.ray');
    await page.fill('#login-password', 'correct horse 42');
    await page.click('button[type=submit]');
    await page.fill('#patrol-case', 'SHIFT-2026-1128');
    await page.click('button[type=submit]');
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor({ timeout: 10_000 });

    const hit = sampleHit({
      id: 'b1f7e0a4-0000-4000-8000-000000000001',
      alert_level: 'urgent',
      category: 'amber_alert',
    });
    const pushedAt = performance.now();
    stub.pushHit(hit);
    const card = page.locator(`article[data-hit-id="${hit.id}"]`);
    await card.waitFor({ timeout: 5000 });
    console.log(`hit on the page ${Math.round(performance.now() - pushedAt)} ms after the stub pushed it`);

    await expect(card.locator('.plate').textContent()).resolves.toBe(hit.plate);
    await expect(card.locator('.verification').textContent()).resolves.toBe(PAGE_VERIFICATION_NOTICE);
    const img = card.locator('.crop img');
    await expect(img.getAttribute('src')).resolves.toBe(hit.crop_url);
    await waitForCropDrawn(page, hit.id);
    await waitForAlertSound(page);

    // A reason holding markup arrives as text and runs nothing.
    const xss = sampleHit({
      id: 'b1f7e0a4-0000-4000-8000-000000000002',
      cursor: '2',
      plate: 'XSS1',
      created_at: '2026-11-28T14:31:00.000Z',
      bureau: {
        authorized: true,
        reason: '<img src=x onerror="window.__xss=1">',
        source: 'CBI',
        nic: null,
        ori: null,
        notes: '',
        vehicle: null,
        case_number: null,
      },
    });
    stub.pushHit(xss);
    const xssCard = page.locator(`article[data-hit-id="${xss.id}"]`);
    await xssCard.waitFor({ timeout: 5000 });
    await expect(xssCard.locator('.bureau dd').first().textContent()).resolves.toBe(
      '<img src=x onerror="window.__xss=1">',
    );
    await expect(page.evaluate(() => (globalThis as { __xss?: number }).__xss)).resolves.toBeUndefined();

    mkdirSync(OUTPUT, { recursive: true });
    const shot = join(OUTPUT, 'in-car-hit-1024x768.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);

    expect(stub.csrfRefusals).toBe(0);
    await expect(page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp)).resolves.toEqual([]);
    expect(consoleErrors.filter((m) => /Content.Security.Policy|Refused to/i.test(m))).toEqual([]);
    // The one refusal expected: GET /session before the login answers 401, which Chromium logs.
    expect(consoleErrors.filter((m) => !/status of 401/.test(m))).toEqual([]);
  }, 60_000);

  it('plays a camera live under the same CSP with the JavaScript decoder, and lets go of the relay on leaving', async () => {
    const tab = await openTab();
    await tab.goto(stub.url);
    await tab.getByRole('button', { name: 'Live view' }).click();
    await tab.getByRole('button', { name: 'Front' }).click();
    const t0 = performance.now();
    await tab.locator('.live p', { hasText: /^Live$/ }).waitFor({ timeout: 10_000 });
    console.log(`first live frame ${Math.round(performance.now() - t0)} ms after choosing the camera`);
    await tab.waitForTimeout(1000);
    const shot = await tab.locator('canvas.live-frame').screenshot();
    const stats = await sharp(shot).stats();
    // A drawn frame of the clip (road, cars, sky), not a blank or single-colour canvas.
    expect(Math.max(...stats.channels.map((c) => c.stdev))).toBeGreaterThan(10);
    mkdirSync(OUTPUT, { recursive: true });
    await tab.screenshot({ path: join(OUTPUT, 'live-view-1024x768.png') });
    expect(stub.liveRelays).toBe(1);

    await tab.getByRole('button', { name: 'Health' }).click();
    const deadline = Date.now() + 5000;
    while (stub.liveRelays > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stub.liveRelays).toBe(0);
    expect(stub.requests.filter((r) => /^POST \/api\/web\/live\/\d+\/end$/.test(r))).toHaveLength(1);

    await expect(tab.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp)).resolves.toEqual([]);
    expect(consoleErrors.filter((m) => !/status of 401/.test(m))).toEqual([]);
    await tab.close();
  }, 60_000);

  it('reconnects after a lost stream and shows, and sounds, the hit it missed meanwhile', async () => {
    const tab = await openTab();
    await tab.goto(stub.url);
    await tab.locator('.stream', { hasText: /^Live$/ }).waitFor({ timeout: 10_000 });
    await tab.locator('article.hit').first().waitFor();
    await tab.click('.site'); // a user gesture, so the browser lets the page start audio
    const startsBefore = await alertSounds(tab);

    stub.dropStreams();
    const missed = sampleHit({
      id: 'b1f7e0a4-0000-4000-8000-000000000003',
      cursor: '3',
      plate: 'MISSED1',
      created_at: '2026-11-28T14:32:00.000Z',
    });
    stub.pushHit(missed, true); // recorded while the stream is down: only the catch-up can bring it
    await tab.locator(`article[data-hit-id="${missed.id}"]`).waitFor({ timeout: 10_000 });
    await waitForAlertSound(tab, startsBefore);
    await expect(tab.locator('article.hit').count()).resolves.toBe(3);
    await tab.close();
  }, 60_000);
});
