import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { call, openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';
import { pointOf } from './timeline-point.js';

const HOUR = 3_600_000;

interface RunSummary {
  runId: string;
  taskId: string;
  status: string;
  startedAt: number | null;
  endedAt: number | null;
}

describe('the timeline and search in a real browser', () => {
  let app: HeadlessProcess;
  let browser: BrowserSession;
  let taskId: string;
  let runs: RunSummary[];

  beforeAll(async () => {
    app = await startHeadless({ testMode: true });
    browser = await openBrowser({ width: 1280, height: 720 });
    const task = (await call(app, 'tasks:create', {
      name: 'backup-photos',
      project: 'home',
      timezone: 'Europe/Berlin',
      schedule: { kind: 'cron', pattern: '0 * * * *' },
      action: { kind: 'shell', program: 'echo', args: ['copied 12 albums to the NAS'] },
    })) as { id: string };
    taskId = task.id;
    await call(app, 'scheduler:start', {});
    for (let i = 0; i < 3; i++) await call(app, 'clock:advance', { ms: HOUR });
    // Three real echo runs: wait until their records are in the history.
    for (let i = 0; i < 300; i++) {
      const page = (await call(app, 'history:runs', { status: 'succeeded' })) as { total: number };
      if (page.total === 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    runs = ((await call(app, 'history:runs', {})) as { items: RunSummary[] }).items;
    // A run the engine skipped, as the history holds it: a mark of its own on the timeline.
    const skippedAt = runs[0]!.startedAt! - HOUR / 2;
    const dir = join(app.dataDir, 'jobs', 'default', 'default', 'backup-photos');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'skipped-1.json'),
      JSON.stringify({
        ...{ runId: 'skipped-1', taskId, project: 'default', group: 'default' },
        ...{ name: 'backup-photos', status: 'skipped', trigger: 'schedule' },
        ...{ scheduledFor: skippedAt, startedAt: null, endedAt: null },
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows past runs as bars and coming runs as marks, with details on hover', async () => {
    const { page } = browser;
    const now = ((await call(app, 'scheduler:status', {})) as { now: number }).now;
    await page.goto(app.url);
    await page.evaluate(
      (hash) => (window.location.hash = hash),
      `#/timeline/day/${new Date(now - HOUR).toISOString()}`,
    );
    const canvas = page.getByTestId('timeline-canvas');
    await expect.poll(() => canvas.isVisible(), { timeout: 15_000 }).toBe(true);
    const past = runs.find((r) => r.status === 'succeeded')!;
    const at = await pointOf(page, 0, past.startedAt! + 100);
    await browser.screenshot('timeline-day');
    await page.mouse.move(at.x, at.y);
    const tooltip = page.getByRole('tooltip');
    await expect.poll(() => tooltip.count()).toBe(1);
    expect(await tooltip.textContent()).toContain('succeeded');
    const next = Math.ceil((now + 1) / HOUR) * HOUR;
    const coming = await pointOf(page, 0, next);
    await page.mouse.move(coming.x, coming.y);
    await expect.poll(() => tooltip.count()).toBe(1);
    expect(await tooltip.textContent()).toContain('Runs in');
    // The run's time in the task's own zone, named (this threw in Chromium once).
    const taskTime = await page.getByTestId('timeline-task-time').textContent();
    const berlin = new Intl.DateTimeFormat('en-US', {
      timeZone: 'Europe/Berlin',
      hour: 'numeric',
      minute: '2-digit',
      second: '2-digit',
    }).format(next);
    expect(taskTime).toContain(`Europe/Berlin: `);
    expect(taskTime).toContain(berlin);
    expect(taskTime).toMatch(/GMT[+-]\d|CES?T/);
    await page.mouse.move(at.x, at.y);
    await page.mouse.down();
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('run-stdout').textContent()).toContain('12 albums');
  });

  it('marks the night the task’s zone moves its clocks', async () => {
    const { page } = browser;
    await page.evaluate(() => (window.location.hash = '#/timeline/week/2027-03-24T12:00:00.000Z'));
    const marker = page.getByTestId('timeline-dst');
    await expect.poll(() => marker.count(), { timeout: 15_000 }).toBe(1);
    expect(await marker.textContent()).toContain('Europe/Berlin: clocks go forward');
  });

  it('finds a word of a run’s output in the history and opens that run', async () => {
    const { page } = browser;
    await page.evaluate(() => (window.location.hash = '#/history'));
    await page.getByLabel('Search output').fill('albums');
    const results = page.getByRole('list', { name: 'Search results' });
    await expect.poll(() => results.getByRole('listitem').count(), { timeout: 15_000 }).toBe(3);
    expect(await results.locator('mark').first().textContent()).toBe('albums');
    await results.getByRole('listitem').first().click();
    await expect.poll(() => page.getByTestId('run-stdout').textContent()).toContain('12 albums');
  });
});
