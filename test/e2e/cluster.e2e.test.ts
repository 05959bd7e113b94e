import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';
import { spawnWorker } from '../core/cluster/worker-processes.js';
import type { WorkerProcess } from '../core/cluster/worker-processes.js';
import { call, openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';

const PASSWORD = 'e2e-cluster-secret';

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
    const openScreen = (name: string) =>
      page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name }).click();
    await page.goto(app.url);
    await openScreen('Settings');
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

    await openScreen('Tasks');
    await page.getByRole('button', { name: 'Run now: cluster-hello' }).click();
    await openScreen('History');
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
});
