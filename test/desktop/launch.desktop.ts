import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron } from 'playwright-core';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames } from '../../main/api/names.js';
import { TEST_HOOKS_SWITCH, TRAY_MENU_QUERY } from '../../main/electron/test-hooks.js';

// The real app in the real Electron (run by test/desktop/run-desktop.js, never by npm test):
// the built app in node_modules/electron, or with --packaged the app electron-builder made.
const executable = process.env.CRONTRAY_DESKTOP_EXECUTABLE ?? '';
const packaged = process.env.CRONTRAY_DESKTOP_PACKAGED === '1';
const MARKER = `crontray-vault-marker-${process.pid}`;

let userData: string;
let app: ElectronApplication;
let page: Page;

function args(): string[] {
  const appArgs = packaged ? [] : [resolve('.'), TEST_HOOKS_SWITCH];
  return [...appArgs, `--user-data-dir=${userData}`];
}

beforeAll(async () => {
  userData = await mkdtemp(join(tmpdir(), 'crontray-desktop-'));
  app = await _electron.launch({ executablePath: executable, args: args() });
  page = await app.firstWindow();
});

afterAll(async () => {
  await app?.close().catch(() => {});
  if (userData) await rm(userData, { recursive: true, force: true });
});

describe('the desktop app', () => {
  it('keeps its data in the folder the test gave it', async () => {
    expect(await app.evaluate(({ app: a }) => a.getPath('userData'))).toBe(userData);
  });

  it('shows the tasks screen over app://', async () => {
    expect(page.url()).toMatch(/^app:\/\//);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Tasks' }).first().isVisible())
      .toBe(true);
  });

  it('exposes exactly the contract on window.crontray, and nothing of Node', async () => {
    const keys = await page.evaluate(() =>
      Object.keys((window as unknown as { crontray: object }).crontray),
    );
    expect(keys.sort()).toEqual([...channelNames, 'on'].sort());
    expect(await page.evaluate(() => [typeof require, typeof process, typeof Buffer].join())).toBe(
      'undefined,undefined,undefined',
    );
  });

  it('creates a task in the window, runs it, lists the run in the history, and keeps its action encrypted', async () => {
    await page.getByRole('link', { name: 'New task' }).click();
    await page.getByLabel('Name', { exact: true }).fill('desktop-check');
    await page.getByLabel('Cron pattern').fill('0 9 * * *');
    // Node is on PATH on every runner; `echo` is not a program on Windows.
    await page.getByLabel('Program').fill('node');
    await page.getByLabel('Arguments (one per line)').fill(`-e\nconsole.log('${MARKER}')`);
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();
    const row = page.getByRole('row', { name: /^desktop-check/ });
    await expect.poll(() => row.isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Run now: desktop-check' }).click();
    await expect
      .poll(() => row.getByTestId('last-run').textContent(), { timeout: 30_000 })
      .toContain('succeeded');
    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: 'History' })
      .click();
    const run = page
      .getByRole('list', { name: 'Runs' })
      .getByRole('link', { name: /desktop-check/ });
    await expect.poll(() => run.first().isVisible()).toBe(true);

    // The action is in vault.json, or still in its change journal until the vault is rewritten.
    const stored = await Promise.all(
      ['vault.json', 'vault-changes.jsonl'].map((f) =>
        readFile(join(userData, f), 'utf8').catch(() => ''),
      ),
    );
    expect(stored.join('')).toContain('cipherText');
    expect(stored.join('')).not.toContain(MARKER);
    const status = await page.evaluate(() =>
      (window as unknown as { crontray: { 'vault:status'(): Promise<unknown> } }).crontray[
        'vault:status'
      ](),
    );
    expect(status).toMatchObject({
      ok: true,
      value: { backend: expect.stringMatching(/^electron-safeStorage/) as string, secure: true },
    });
  });

  it('has a tray whose menu the service built; the menu query exists only in an unpackaged test run', async () => {
    const menu = await app.evaluate((_electron, key) => {
      const query = (globalThis as Record<string, unknown>)[key];
      return typeof query === 'function' ? (query as () => unknown)() : null;
    }, TRAY_MENU_QUERY);
    if (packaged) {
      expect(menu).toBeNull();
      return;
    }
    const labels = (menu as { type: string; label?: string; submenu?: { label: string }[] }[]).map(
      (item) => item.label ?? '—',
    );
    expect(labels).toContain('Open Crontray');
    expect(labels).toContain('Quit');
    const runNow = (menu as { label?: string; submenu?: { label: string }[] }[]).find(
      (item) => item.label === 'Run now',
    );
    expect(runNow?.submenu?.map((i) => i.label)).toContain('desktop-check');
  });

  it('answers the crontray command over its loopback API', async () => {
    const cli = resolve('dist/main/cli/entry.js');
    const result = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn(process.execPath, [cli, '--data-dir', userData, 'status']);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => done({ code, out }));
    });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/\(electron\)/);
  });

  it('a second launch hands over to the first, which shows its window', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.hide());
    const second = spawn(executable, args(), { stdio: 'ignore' });
    const code = await new Promise<number | null>((done) => second.on('exit', done));
    expect(code).toBe(0);
    await expect
      .poll(() =>
        app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible()),
      )
      .toBe(true);
  });

  it('quits cleanly: exit code 0 and the session ends as quit, not interrupted', async () => {
    const exited = new Promise<number | null>((done) => app.process().on('exit', done));
    await app.evaluate(({ app: a }) => a.quit());
    expect(await exited).toBe(0);
    app = await _electron.launch({ executablePath: executable, args: args() });
    page = await app.firstWindow();
    const sessions = await page.evaluate(() =>
      (
        window as unknown as { crontray: { 'history:sessions'(r: object): Promise<unknown> } }
      ).crontray['history:sessions']({ limit: 5 }),
    );
    expect(JSON.stringify(sessions)).not.toMatch(/"interrupted"/);
  });
});
