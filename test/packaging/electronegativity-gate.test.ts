import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let fixture: string;

beforeAll(async () => {
  fixture = await mkdtemp(join(tmpdir(), 'crontray-insecure-app-'));
  await writeFile(
    join(fixture, 'package.json'),
    JSON.stringify({ name: 'insecure', version: '1.0.0', main: 'main.js' }),
  );
  await writeFile(
    join(fixture, 'main.js'),
    "const { BrowserWindow } = require('electron');\n" +
      'new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n',
  );
});

afterAll(async () => {
  await rm(fixture, { recursive: true, force: true });
});

describe('the electronegativity gate', () => {
  it('fails an app with a high-severity finding and names it', () => {
    const run = spawnSync(process.execPath, ['scripts/electronegativity.js', '--input', fixture], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(run.stdout).toMatch(/HIGH\s+\w+\s+CONTEXT_ISOLATION_JS_CHECK/);
    expect(run.stderr).toContain('docs/SECURITY.md');
  }, 120_000);
});
