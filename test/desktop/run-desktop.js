// `npm run test:desktop`: the launch test of the real app (test/desktop/launch.desktop.ts) with
// Playwright's Electron support. Needs the Electron binary: where it is missing (as on machines
// that cannot download it) this says so in one line and exits 1. Not part of `npm test`; the
// pipeline (.github/workflows/build.yml) runs it on Linux (Xvfb), Windows and macOS.
//   npm run test:desktop                 the built app (dist/) in node_modules/electron
//   npm run test:desktop -- --packaged   the packaged app electron-builder left in release/
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function devElectron() {
  const dir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function packagedApp() {
  const release = join(root, 'release');
  if (!existsSync(release)) return null;
  for (const dir of readdirSync(release)) {
    const candidates = [
      join(release, dir, 'Crontray.exe'),
      join(release, dir, 'crontray'),
      join(release, dir, 'Crontray.app', 'Contents', 'MacOS', 'Crontray'),
    ];
    const found = candidates.find((c) => existsSync(c));
    if (found) return found;
  }
  return null;
}

const packaged = process.argv.includes('--packaged');
const executable = packaged ? packagedApp() : devElectron();
if (!executable) {
  console.error(
    packaged
      ? 'test:desktop: no packaged app under release/ (run `npm run dist` first); the launch test did not run.'
      : 'test:desktop: the Electron binary is not installed (node_modules/electron has no dist); the launch test did not run.',
  );
  process.exit(1);
}
if (!existsSync(join(root, 'dist', 'main', 'electron', 'entry.js'))) {
  console.error(
    'test:desktop: dist/ is missing (run `npm run build` first); the launch test did not run.',
  );
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '-c',
    'test/desktop/vitest.desktop.config.ts',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      CRONTRAY_DESKTOP_EXECUTABLE: executable,
      CRONTRAY_DESKTOP_PACKAGED: packaged ? '1' : '',
    },
  },
);
process.exit(result.status ?? 1);
