import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from './core/app-paths.js';

/**
 * `npm start`: runs the desktop app when the Electron runtime is installed, else tries once to
 * download it, else explains what is missing and falls back to headless mode so the user still
 * gets a working URL. It never prints a stack trace.
 *
 * Environment (for tests and unusual setups):
 *   CRONTRAY_ELECTRON_DIR            the electron package folder (default <root>/node_modules/electron)
 *   CRONTRAY_SKIP_ELECTRON_DOWNLOAD  "1" skips the download attempt
 *   ELECTRON_OVERRIDE_DIST_PATH      a folder holding an unpacked Electron (Electron's own variable)
 */

/** How long the one download attempt may take before headless mode starts instead. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** The Electron executable if it is present on disk, else null. */
export function findElectronBinary(
  electronDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? join(override, relative ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'))
    : relative
      ? join(electronDir, 'dist', relative)
      : null;
  return candidate && existsSync(candidate) ? candidate : null;
}

/** The paragraph shown when the runtime is missing; one paragraph, no stack. */
export function missingElectronMessage(electronDir: string, downloadTried: boolean): string {
  return [
    `Crontray: the Electron runtime is not installed (nothing usable in ${join(electronDir, 'dist')})`,
    downloadTried
      ? 'and it could not be downloaded (Electron fetches its binary from the internet at install time, and that failed or timed out here).'
      : 'and the download was skipped (CRONTRAY_SKIP_ELECTRON_DOWNLOAD=1).',
    'To run the desktop app, run `npx install-electron` on a machine with internet access,',
    'or set ELECTRON_OVERRIDE_DIST_PATH to a folder holding an unpacked Electron 45, then run `npm start` again.',
    'Starting headless mode instead: the same app in your browser.',
  ].join(' ');
}

function tryDownload(electronDir: string): void {
  const installer = join(electronDir, 'install.js');
  if (!existsSync(installer)) return;
  console.log(
    `Crontray: the Electron runtime is missing; trying to download it (up to ${DOWNLOAD_TIMEOUT_MS / 1000} s)…`,
  );
  // Its own output would include a stack trace on failure; the paragraph below says it better.
  spawnSync(process.execPath, [installer], {
    stdio: 'ignore',
    timeout: DOWNLOAD_TIMEOUT_MS,
    cwd: electronDir,
  });
}

function runElectron(binary: string, root: string, args: string[]): void {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [root, ...args], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('error', (error) => {
    console.error(`Crontray: could not start Electron at ${binary}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function launch(args: string[]): Promise<void> {
  const root = appRoot();
  const electronDir = process.env.CRONTRAY_ELECTRON_DIR ?? join(root, 'node_modules', 'electron');
  let binary = findElectronBinary(electronDir);
  const skipDownload = process.env.CRONTRAY_SKIP_ELECTRON_DOWNLOAD === '1';
  if (!binary && !skipDownload) {
    tryDownload(electronDir);
    binary = findElectronBinary(electronDir);
  }
  if (binary) {
    runElectron(binary, root, args);
    return;
  }
  console.log(`\n${missingElectronMessage(electronDir, !skipDownload)}\n`);
  const { main } = await import('./headless/entry.js');
  await main(args);
}

process.on('uncaughtException', (error) => {
  console.error(`Crontray: ${error.message}`);
  process.exit(1);
});

launch(process.argv.slice(2)).catch((error: unknown) => {
  console.error(
    `Crontray: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
