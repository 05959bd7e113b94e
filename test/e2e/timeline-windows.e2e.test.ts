import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';
import { pointOf } from './timeline-point.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('quiet and random-delay windows on the timeline in a real browser', () => {
  let app: HeadlessProcess;
  let browser: BrowserSession;
  let now: number;

  beforeAll(async () => {
    app = await startHeadless({ testMode: true });
    browser = await openBrowser({ width: 1280, height: 720 });
    now = ((await call(app, 'scheduler:status', {})) as { now: number }).now;
    const day = (at: number) => new Date(at).toISOString().slice(0, 10);
    // One task quiet from yesterday to tomorrow (UTC), one with a random delay of up to 30 min.
    const quiet = { windows: [{ kind: 'dates', from: day(now - DAY), to: day(now + DAY) }] };
    for (const [name, triggers] of [
      ['night-sync', { quiet }],
      ['spread-report', { jitterSec: 1800 }],
    ] as const) {
      await call(app, 'tasks:create', {
        ...{ name, project: 'home', timezone: 'UTC', triggers },
        schedule: { kind: 'cron', pattern: '0 * * * *' },
        action: { kind: 'shell', program: 'true' },
      });
    }
    await call(app, 'scheduler:start', {});
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shades a task’s quiet window and draws each coming run’s random delay as a range', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.evaluate(
      (hash) => (window.location.hash = hash),
      `#/timeline/day/${new Date(now).toISOString()}`,
    );
    const canvas = page.getByTestId('timeline-canvas');
    await expect
      .poll(() => canvas.getAttribute('aria-label'), { timeout: 15_000 })
      .toContain('2 tasks');
    const tooltip = page.getByRole('tooltip');
    // Rows by name: night-sync, then spread-report.
    const quiet = await pointOf(page, 0, now + 10 * 60_000);
    await page.mouse.move(quiet.x, quiet.y);
    await expect.poll(() => tooltip.textContent()).toContain('quiet days');
    expect(await tooltip.textContent()).toContain('runs are skipped');
    const next = Math.ceil((now + 1) / HOUR) * HOUR;
    const delayed = await pointOf(page, 1, next + 15 * 60_000);
    await page.mouse.move(delayed.x, delayed.y);
    await expect
      .poll(() => tooltip.textContent())
      .toContain('starts at a random time up to 30 min after it is due');
    await browser.screenshot('timeline-windows');
  });
});
