import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const OUTPUT_DIR = join(ROOT, 'test-results');

export interface HeadlessProcess {
  child: ChildProcess;
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<number | null>;
}

export interface HeadlessOptions {
  testMode?: boolean;
  dataDir?: string;
  args?: string[];
  startTimeoutMs?: number;
}

/** Starts the built headless entry as a real child process and waits for its printed URL. */
export async function startHeadless(options: HeadlessOptions = {}): Promise<HeadlessProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'crontray-e2e-')));
  const args = [join(ROOT, 'dist/main/headless/entry.js'), '--data-dir', dataDir, '--port', '0'];
  if (options.testMode ?? true) args.push('--test-mode');
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    // A process that never printed its URL is stopped, not left running behind the test.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`headless did not print a URL:\n${output}`));
    }, options.startTimeoutMs ?? 20_000);
    const check = () => {
      const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(url);
  return {
    child,
    url,
    origin: parsed.origin,
    token: parsed.hash.replace('#token=', ''),
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      const code = await exited;
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Calls a contract channel over HTTP as the UI does, to set up data; throws on an error envelope. */
export async function call(
  app: HeadlessProcess,
  channel: string,
  request: unknown,
): Promise<unknown> {
  const response = await fetch(`${app.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.token}` },
    body: JSON.stringify(request),
  });
  const envelope = (await response.json()) as {
    ok: boolean;
    value?: unknown;
    error?: { message: string };
  };
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.message ?? 'failed'}`);
  return envelope.value;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile and no background network chatter. */
export async function openBrowser(
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserSession> {
  const profile = await mkdtemp(join(tmpdir(), 'crontray-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: options.width ?? 1200, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await mkdir(OUTPUT_DIR, { recursive: true });
  return {
    context,
    page,
    async screenshot(name) {
      const path = join(OUTPUT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface AppInBrowser {
  readonly app: HeadlessProcess;
  readonly browser: BrowserSession;
}

/**
 * One headless host and one browser for the enclosing describe block: started before its tests,
 * stopped after them (servers the block starts in its own beforeAll are started first and, as
 * vitest runs after-hooks in reverse, stopped last).
 */
export function useAppInBrowser(options: HeadlessOptions = { testMode: true }): AppInBrowser {
  let app: HeadlessProcess | undefined;
  let browser: BrowserSession | undefined;
  beforeAll(async () => {
    app = await startHeadless(options);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the app and browser start in beforeAll');
    return value;
  };
  return {
    get app() {
      return started(app);
    },
    get browser() {
      return started(browser);
    },
  };
}

/** Opens one of the GUI's screens from its navigation bar, as a person would. */
export async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name }).click();
}
