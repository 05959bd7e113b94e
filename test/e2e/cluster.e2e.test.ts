import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';
import { spawnWorker } from '../core/cluster/worker-processes.js';
import type { WorkerProcess } from '../core/cluster/worker-processes.js';
import { call, openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';

const PASSWORD = 'e2e-cluster-secret';

const openScreen = (page: BrowserSession['page'], name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name }).click();

// Cluster mode set up from the Settings screen in real Chromium, against a redis-server of the
// test's own and a real `crontray worker` process serving the queue.
describe('the cluster in the GUI', () => {
  let redis: RedisServerHandle;
  let app: HeadlessProcess;
  let browser: BrowserSession;
  let worker: WorkerProcess | null = null;

  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD });
    app = await startHeadless({ testMode: true });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  it('connects to Redis from Settings, shows the worker and queue, and a cluster run lands in the history', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await openScreen(page, 'Settings');
    const state = page.getByTestId('cluster-state');
    await expect.poll(() => state.textContent()).toContain('Not in use');

    // A URL that is not Redis's is refused under the field, and nothing is saved.
    const field = page.getByLabel('Redis URL');
    await field.fill('http://127.0.0.1:6379');
    await page.getByRole('button', { name: 'Save and connect' }).click();
    const fieldError = page.locator('#f-redisUrl-error');
    await expect.poll(() => fieldError.textContent()).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('redis-saved').textContent()).toContain('No Redis URL is saved');

    await field.fill(redis.url);
    await page.getByRole('button', { name: 'Save and connect' }).click();
    await expect
      .poll(() => state.textContent(), { timeout: 20_000 })
      .toContain(`Connected to redis://`);
    const saved = (await page.getByTestId('redis-saved').textContent()) ?? '';
    expect(saved).toContain(`127.0.0.1:${redis.port}`);
    expect(saved).not.toContain(PASSWORD);
    expect(await page.content()).not.toContain(PASSWORD);

    // A task on a queue no worker serves is a warning in words, not a silent wait.
    await call(app, 'tasks:create', {
      name: 'cluster-hello',
      schedule: { kind: 'cron', pattern: '0 3 1 1 *' },
      action: { kind: 'shell', mode: 'exec', program: 'echo', args: ['hello from a worker'] },
      runOn: { kind: 'cluster', queue: 'e2e' },
    });
    const warnings = page.getByTestId('cluster-warnings');
    await expect
      .poll(() => warnings.textContent(), { timeout: 20_000 })
      .toContain("No worker serves queue 'e2e'");

    worker = await spawnWorker(
      ['--redis', redis.url, '--queue', 'e2e', '--key-file', join(app.dataDir, 'cluster.key')],
      'e2e-worker-1',
    );
    const workerRow = page.getByRole('table', { name: 'Workers' }).getByRole('row', {
      name: /e2e-worker-1/,
    });
    await expect.poll(() => workerRow.textContent(), { timeout: 20_000 }).toContain('serving');
    const queueRow = page.getByRole('table', { name: 'Queues' }).getByRole('row', { name: /e2e/ });
    await expect.poll(() => queueRow.getByRole('cell').nth(1).textContent()).toBe('1');
    await expect.poll(() => warnings.count()).toBe(0);
    await browser.screenshot('cluster-settings');

    await openScreen(page, 'Tasks');
    await page.getByRole('button', { name: 'Run now: cluster-hello' }).click();
    await openScreen(page, 'History');
    const runLink = page
      .getByRole('list', { name: 'Runs' })
      .getByRole('link', { name: /cluster-hello/ })
      .first();
    await expect.poll(() => runLink.isVisible(), { timeout: 20_000 }).toBe(true);
    await runLink.click();
    await expect
      .poll(() => page.getByTestId('run-stdout').textContent(), { timeout: 20_000 })
      .toContain('hello from a worker');
    await browser.screenshot('cluster-run');
  }, 120_000);

  it('forgetting the URL in Settings disconnects at once and says the cluster is not in use', async () => {
    const { page } = browser;
    await openScreen(page, 'Settings');
    const state = page.getByTestId('cluster-state');
    await expect.poll(() => state.textContent(), { timeout: 20_000 }).toContain('Connected to');
    await page.getByRole('button', { name: 'Forget and disconnect' }).click();
    await expect.poll(() => page.getByText('Redis URL forgotten.').isVisible()).toBe(true);
    // The cluster task is not moved to this computer in silence: a banner says it waits.
    await expect
      .poll(() =>
        page.getByRole('status').filter({ hasText: 'run on a cluster queue' }).textContent(),
      )
      .toContain(
        "1 task(s) run on a cluster queue ('cluster-hello'), but no Redis URL is set: enter one in Settings",
      );
    await expect
      .poll(() => state.textContent(), { timeout: 20_000 })
      .toBe(
        'Not in use: no Redis URL is set, so every task runs on this computer and tasks set to run on a cluster queue wait.',
      );
    expect(await page.getByTestId('redis-saved').textContent()).toBe(
      'No Redis URL is saved: tasks set to run on a cluster queue wait.',
    );
    expect(await page.getByRole('button', { name: 'Forget and disconnect' }).count()).toBe(0);
    // Disconnected in the service too, not only on screen.
    expect(await call(app, 'cluster:get', undefined)).toEqual({
      source: 'none',
      savedUrl: null,
      status: null,
    });
  }, 60_000);
});

// A URL given on the command line wins over Settings, and an evicting Redis is named for what it
// is (not "unreachable"), with the setting to change, in the same panel.
describe('the cluster panel with --redis pointing at a Redis that evicts keys', () => {
  let evicting: RedisServerHandle;
  let app: HeadlessProcess;
  let browser: BrowserSession;

  beforeAll(async () => {
    evicting = await startRedisServer({ maxmemoryPolicy: 'allkeys-lru' });
    app = await startHeadless({ testMode: true, args: ['--redis', evicting.url] });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await evicting?.stop();
  });

  it('says the command line wins over the field and that Redis must stop evicting keys', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await openScreen(page, 'Settings');
    const override = page.getByTestId('redis-override');
    await expect
      .poll(() => override.textContent(), { timeout: 20_000 })
      .toBe(
        `The Redis URL given on the command line (--redis or CRONTRAY_REDIS_URL: redis://127.0.0.1:${evicting.port}) is in use and wins over this field until Crontray starts without it.`,
      );
    const state = page.getByTestId('cluster-state');
    await expect
      .poll(() => state.textContent(), { timeout: 20_000 })
      .toContain('Redis answers, but its memory settings must change first');
    const warnings = page.getByTestId('cluster-warnings');
    const text = (await warnings.textContent()) ?? '';
    expect(text).toContain(
      `Redis at redis://127.0.0.1:${evicting.port} evicts keys (maxmemory-policy allkeys-lru)`,
    );
    expect(text).toContain('redis-cli CONFIG SET maxmemory-policy noeviction');
    expect(text).not.toMatch(/unreachable/i);

    // Saving a URL in the field keeps it for later and says the command line still wins.
    await page.getByLabel('Redis URL').fill('redis://127.0.0.1:6390');
    await page.getByRole('button', { name: 'Save and connect' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Redis URL saved' }).textContent())
      .toBe('Redis URL saved; it is used when Crontray starts without --redis.');
    await expect
      .poll(() => page.getByTestId('redis-saved').textContent())
      .toBe("Saved: redis://127.0.0.1:6390 (kept encrypted with the vault's key).");
    expect(await override.isVisible()).toBe(true);
    expect(await state.textContent()).toContain(`127.0.0.1:${evicting.port}`);
    await browser.screenshot('cluster-override-evicting');
  }, 60_000);
});
