import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let outDir: string;
let bundle: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'crontray-preload-'));
  await build({
    configFile: 'vite.preload.config.ts',
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  bundle = await readFile(join(outDir, 'preload.cjs'), 'utf8');
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('the preload bundle', () => {
  it('is one CommonJS file, as a sandboxed preload must be', async () => {
    expect(await readdir(outDir)).toEqual(['preload.cjs']);
    expect(bundle).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('requires nothing but electron (no relative modules, no Node built-ins)', () => {
    const required = [...bundle.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('carries the contract names without the zod schemas', () => {
    expect(bundle).toContain('"scheduler:pause"');
    expect(bundle).toContain('crontray:event');
    expect(bundle).not.toMatch(/zod/i);
    expect(bundle.length).toBeLessThan(20_000);
  });

  it('exposes the bridge as window.crontray and never ipcRenderer itself', () => {
    expect(bundle).toMatch(/exposeInMainWorld\(\s*["']crontray["']/);
    expect(bundle).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
    expect(bundle).not.toMatch(/ipcRenderer\.send\(/);
  });
});
