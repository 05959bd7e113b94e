// Runs the browser end-to-end tests when a Chromium is available. Under CI a missing browser
// fails the run; on a developer machine the step says loudly that it did not run.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const browser = process.env.CHROME_PATH || '/usr/bin/chromium';
if (!existsSync(browser)) {
  const banner = '='.repeat(78);
  const message = [
    banner,
    `END-TO-END TESTS DID NOT RUN: no Chromium at ${browser}.`,
    'Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROME_PATH.',
    banner,
  ].join('\n');
  console.error(message);
  process.exit(process.env.CI === 'true' ? 1 : 0);
}
const result = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, CHROME_PATH: browser },
});
process.exit(result.status ?? 1);
