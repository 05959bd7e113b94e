import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// The launcher runs as `npm start` does: the compiled dist/main/launch.js (npm test builds first).
const launcher = resolve('dist/main/launch.js');

let base: string | null = null;

afterEach(async () => {
  if (base) await rm(base, { recursive: true, force: true });
  base = null;
});

describe('npm start without the Electron runtime', () => {
  it('explains in one paragraph what is missing, then serves a working headless URL', async () => {
    expect(existsSync(launcher), `${launcher} is missing: run 'npm run build' first`).toBe(true);
    base = await mkdtemp(join(tmpdir(), 'crontray-launch-'));
    const child = spawn(process.execPath, [launcher, '--data-dir', join(base, 'data')], {
      env: {
        ...process.env,
        CRONTRAY_ELECTRON_DIR: join(base, 'no-electron-here'),
        CRONTRAY_SKIP_ELECTRON_DOWNLOAD: '1',
        ELECTRON_OVERRIDE_DIST_PATH: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        const check = () => {
          const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(stdout);
          if (match?.[1]) done(match[1]);
        };
        child.stdout.on('data', check);
        void exited.then((code) =>
          fail(new Error(`launcher exited (${code}) early:\n${stdout}\n${stderr}`)),
        );
      });

      const paragraphs = stdout.split(/\n\s*\n/).filter((p) => p.includes('Electron runtime'));
      expect(paragraphs).toHaveLength(1);
      const paragraph = paragraphs[0] ?? '';
      expect(paragraph).toContain('is not installed');
      expect(paragraph).toContain('npx install-electron');
      expect(paragraph).toContain('ELECTRON_OVERRIDE_DIST_PATH');
      expect(paragraph).toContain('headless');
      expect(stdout + stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

      const token = new URL(url).hash.replace('#token=', '');
      const origin = new URL(url).origin;
      const info = await fetch(`${origin}/api/app:info`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '',
      });
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject({
        ok: true,
        value: { name: 'Crontray', host: 'headless' },
      });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
