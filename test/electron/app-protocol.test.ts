import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appProtocolResponse } from '../../main/electron/app-protocol.js';
import { APP_URL, isAppUrl } from '../../main/electron/app-origin.js';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'crontray-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Crontray</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(base, 'secret.txt'), 'top secret');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('the app:// protocol handler', () => {
  it('serves the renderer index with the CSP default-src self and no inline scripts', async () => {
    const response = await appProtocolResponse(root, APP_URL);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Crontray</title>');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves an asset with its content type', async () => {
    const response = await appProtocolResponse(root, 'app://crontray/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers unknown routes with index.html so the UI can route on the client', async () => {
    const response = await appProtocolResponse(root, 'app://crontray/history/runs');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Crontray</title>');
  });

  it.each([
    'app://crontray/../secret.txt',
    'app://crontray/%2e%2e/secret.txt',
    'app://crontray/%2E%2E%2Fsecret.txt',
    'app://crontray/assets/..%2f..%2fsecret.txt',
    'app://crontray/..%5csecret.txt',
    'app://crontray/secret.txt%00.js',
  ])('never serves a file outside the renderer folder (%s)', async (url) => {
    const response = await appProtocolResponse(root, url);
    expect(await response.text()).not.toContain('top secret');
  });

  it('refuses an encoded path traversal with 404', async () => {
    expect((await appProtocolResponse(root, 'app://crontray/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('gives 404 for a missing asset instead of the index', async () => {
    expect((await appProtocolResponse(root, 'app://crontray/assets/missing.js')).status).toBe(404);
  });

  it('serves only the crontray host and only GET or HEAD', async () => {
    expect((await appProtocolResponse(root, 'app://evil/index.html')).status).toBe(404);
    expect((await appProtocolResponse(root, APP_URL, 'POST')).status).toBe(405);
    const head = await appProtocolResponse(root, APP_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('the app origin', () => {
  it('recognises only app://crontray URLs as the app', () => {
    expect(isAppUrl('app://crontray/index.html')).toBe(true);
    expect(isAppUrl('app://crontray/settings?x=1#y')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('app://crontray.evil.com/index.html')).toBe(false);
    expect(isAppUrl('https://crontray/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
