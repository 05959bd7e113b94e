import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, call, openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';

const LINES = 300;

describe('import and export in a real browser', { timeout: 180_000 }, () => {
  let app: HeadlessProcess;
  let browser: BrowserSession;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crontray-transfer-e2e-'));
    app = await startHeadless({ testMode: true });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const openScreen = async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: 'Import/Export' })
      .click();
    return page.getByRole('region', { name: 'Import' });
  };

  it('a crontab file opened in the GUI is previewed line by line, imported with progress, and a second import changes nothing', async () => {
    const fixture = join(ROOT, 'test/fixtures/crontabs/03-environment.crontab');
    const section = await openScreen();
    await section.getByLabel('Open a file').setInputFiles(fixture);
    await expect
      .poll(() => section.getByLabel('Crontab or bundle').inputValue())
      .toBe(await readFile(fixture, 'utf8'));
    await section.getByRole('button', { name: 'Preview' }).click();
    await expect
      .poll(() => section.getByTestId('import-counts').textContent())
      .toMatch(/^2 new task\(s\), 0 already there/);
    const rows = section.getByRole('table', { name: 'What the import does' }).locator('tbody tr');
    expect(await rows.count()).toBe(11);
    expect(await rows.nth(7).textContent()).toMatch(/New task/);

    await section.getByRole('button', { name: 'Import 2 task(s)' }).click();
    await expect
      .poll(() => section.getByTestId('import-result').textContent())
      .toMatch(/^Imported 2 task\(s\)/);
    const tasks = (await call(app, 'tasks:list', {})) as { project: string }[];
    expect(tasks.map((t) => t.project)).toEqual(['crontab', 'crontab']);

    await section.getByRole('button', { name: 'Preview' }).click();
    await expect
      .poll(() => section.getByTestId('import-counts').textContent())
      .toMatch(/^0 new task\(s\), 2 already there/);
    expect(await section.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);
  });

  it(`a ${LINES}-line crontab shows its progress while it imports`, async () => {
    const text = Array.from({ length: LINES }, (_, i) => `${i % 60} ${i % 24} * * * echo job-${i}`);
    const section = await openScreen();
    await section.getByLabel('Crontab or bundle').fill(text.join('\n'));
    await section.getByLabel('Project for crontab lines').fill('bulk');
    await section.getByRole('button', { name: 'Preview' }).click();
    const importButton = section.getByRole('button', { name: `Import ${LINES} task(s)` });
    await expect.poll(() => importButton.isEnabled()).toBe(true);
    // Remember every progress text shown, however briefly.
    await browser.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="transfer-progress"]');
        if (bar?.textContent) seen.push(bar.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await importButton.click();
    await expect
      .poll(() => section.getByTestId('import-result').textContent(), { timeout: 60_000 })
      .toMatch(new RegExp(`^Imported ${LINES} task\\(s\\)`));
    const seen = await browser.page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => new RegExp(`^Imported \\d+ of ${LINES}$`).test(s))).toBe(true);
  });

  it('exports the chosen task as a crontab file, and a wrong bundle passphrase is refused naming the field', async () => {
    const { page } = browser;
    await openScreen();
    const exportCard = page.getByRole('region', { name: 'Export' });
    await exportCard.getByLabel('Export as').selectOption('crontab');
    const tasks = (await call(app, 'tasks:list', { project: 'crontab' })) as { name: string }[];
    const nightly = tasks.find((t) => t.name.includes('nightly'));
    expect(nightly).toBeDefined();
    await exportCard.getByLabel(`crontab/${nightly?.name}`).check();
    const download = page.waitForEvent('download');
    await exportCard.getByRole('button', { name: 'Export 1 task(s)' }).click();
    const file = join(dir, 'exported.crontab');
    await (await download).saveAs(file);
    expect(await readFile(file, 'utf8')).toMatch(/^15 3 \* \* \* /m);
    await expect
      .poll(() => exportCard.getByTestId('export-result').textContent())
      .toMatch(/^Exported 1 task\(s\)/);

    const bundle = (await call(app, 'transfer:export', {
      format: 'bundle',
      passphrase: 'correct horse',
    })) as { text: string };
    const bundleFile = join(dir, 'tasks.json');
    await writeFile(bundleFile, bundle.text);
    const section = page.getByRole('region', { name: 'Import' });
    await section.getByLabel('Open a file').setInputFiles(bundleFile);
    await section.getByLabel('Bundle passphrase').fill('wrong horse');
    await section.getByRole('button', { name: 'Preview' }).click();
    await expect
      .poll(() => page.locator('#f-passphrase-error').textContent())
      .toMatch(/passphrase/i);
  });
});
