import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TaskView } from '../../main/api/contract.js';
import { call, openScreen, useAppInBrowser } from './harness.js';

const DAY_MS = 86_400_000;

/** A moment's wall clock in a zone: 'YYYY-MM-DD HH:mm'. */
function wallClock(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/**
 * What the preview should list, worked out here without the engine: every day at 09:00 in
 * Berlin and at 12:30 in New York (as Berlin wall clock), none on the quiet day, first five.
 * Both zones are whole hours from UTC, so half-hour steps meet every due time.
 */
function expectedRuns(now: number, quietDay: string): string[] {
  const runs: string[] = [];
  for (let t = Math.ceil(now / 1_800_000) * 1_800_000; runs.length < 5; t += 1_800_000) {
    const berlin = wallClock(t, 'Europe/Berlin');
    const due = berlin.endsWith(' 09:00') || wallClock(t, 'America/New_York').endsWith(' 12:30');
    if (due && !berlin.startsWith(quietDay)) runs.push(berlin);
  }
  return runs;
}

/** The preview's task-time column, cut to 'YYYY-MM-DD HH:mm'. */
async function previewRuns(page: Page): Promise<string[]> {
  const cells = page.getByRole('table', { name: 'Next runs' }).locator('tbody tr td:nth-child(2)');
  return (await cells.allTextContents()).map((text) => text.slice(0, 16));
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

// Issue 14's editor round trip, in real Chromium against headless --test-mode: two schedules in
// two zones, a quiet day, a chain to another task; the preview, the reopened form and the stored
// task all say the same.
describe('the task editor round trip with more triggers', () => {
  const session = useAppInBrowser();

  it('two schedules, a quiet day and a chain are previewed, saved and shown again as entered', async () => {
    const { app, browser } = session;
    const { page } = browser;
    const parent = (await call(app, 'tasks:create', {
      name: 'backup',
      schedule: { kind: 'cron', pattern: '0 3 * * *' },
      action: { kind: 'shell', mode: 'exec', program: 'true', args: [] },
    })) as TaskView;
    const quietDay = wallClock(Date.now() + DAY_MS, 'Europe/Berlin').slice(0, 10);

    await page.goto(app.url);
    await page.getByRole('link', { name: 'New task' }).click();
    await page.getByLabel('Name', { exact: true }).fill('report');
    await page.getByLabel('Program').fill('echo');
    await page.getByLabel('Cron pattern').fill('0 9 * * *');
    await page.getByLabel('Time zone', { exact: true }).selectOption('Europe/Berlin');

    // The second schedule: Enter on the button, then typing into its fields.
    await page.getByRole('button', { name: 'Add a schedule' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Schedule 2: cron pattern').fill('30 12 * * *');
    await page.getByLabel("Schedule 2: time zone (empty: the task's)").fill('America/New_York');

    // A quiet day tomorrow: Space on the button, the kind chosen, the dates typed.
    await page.getByRole('button', { name: 'Add a quiet window' }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('combobox', { name: 'Quiet window 1' }).selectOption('dates');
    await page.getByLabel('First quiet day (YYYY-MM-DD)').fill(quietDay);
    await page.getByLabel('Last quiet day (YYYY-MM-DD)').fill(quietDay);
    await page.getByLabel('Runs due inside a quiet window').selectOption('skip');

    // The chain, by keyboard only: Enter adds the entry, Shift+Tab walks back to its task picker,
    // typing picks by name, Tab moves on to "when", typing picks "fails".
    await page.getByRole('button', { name: 'Add a task to run after' }).focus();
    await page.keyboard.press('Enter');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
    expect(await focusedId(page)).toBe('f-triggers-after-0-taskId');
    await page.keyboard.type('backup');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('f-triggers-after-0-when');
    await page.keyboard.type('f');
    expect(await page.getByLabel('Run after task (entry 1)').inputValue()).toBe(parent.id);
    expect(await page.getByLabel('When that task (entry 1)').inputValue()).toBe('failure');

    const expected = expectedRuns(Date.now(), quietDay);
    const chainNote = "Runs after 'backup' fails (or times out).";
    const notes = page.getByRole('list', { name: 'Triggers' });
    await expect.poll(() => previewRuns(page), { timeout: 10_000 }).toEqual(expected);
    await expect.poll(() => notes.textContent()).toContain(chainNote);
    expect(await notes.textContent()).toContain(`Quiet: `);
    await browser.screenshot('editor-triggers');

    const save = page.getByRole('button', { name: 'Save', exact: true });
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();
    const row = page.getByRole('row', { name: /^report/ });
    await expect.poll(() => row.isVisible()).toBe(true);

    await page.getByRole('link', { name: 'Edit: report' }).click();
    const value = (label: string) => page.getByLabel(label, { exact: true }).inputValue();
    await expect.poll(() => value('Cron pattern')).toBe('0 9 * * *');
    expect(await value('Name')).toBe('report');
    expect(await value('Time zone')).toBe('Europe/Berlin');
    expect(await value('Schedule 2: cron pattern')).toBe('30 12 * * *');
    expect(await value("Schedule 2: time zone (empty: the task's)")).toBe('America/New_York');
    expect(await page.getByRole('combobox', { name: 'Quiet window 1' }).inputValue()).toBe('dates');
    expect(await value('First quiet day (YYYY-MM-DD)')).toBe(quietDay);
    expect(await value('Last quiet day (YYYY-MM-DD)')).toBe(quietDay);
    expect(await value('Runs due inside a quiet window')).toBe('skip');
    await expect.poll(() => value('Run after task (entry 1)')).toBe(parent.id);
    expect(await value('When that task (entry 1)')).toBe('failure');
    await expect.poll(() => previewRuns(page), { timeout: 10_000 }).toEqual(expected);
    await expect.poll(() => notes.textContent()).toContain(chainNote);

    const tasks = (await call(app, 'tasks:list', {})) as TaskView[];
    const stored = (await call(app, 'tasks:get', {
      id: tasks.find((t) => t.name === 'report')?.id,
    })) as TaskView;
    expect(stored.schedule).toMatchObject({ kind: 'cron', pattern: '0 9 * * *' });
    expect(stored.timezone).toBe('Europe/Berlin');
    expect(stored.triggers).toEqual({
      schedules: [
        {
          schedule: { kind: 'cron', pattern: '30 12 * * *', dayMatch: 'or' },
          timezone: 'America/New_York',
        },
      ],
      jitterSec: 0,
      quiet: { windows: [{ kind: 'dates', from: quietDay, to: quietDay }], policy: 'skip' },
      events: [],
      eventsOnly: false,
      after: [{ taskId: parent.id, when: 'failure' }],
    });
    await openScreen(page, 'Tasks');
  });
});
