// The pipeline's fuse check, run after `npm run dist`: reads the fuse wire of each packaged
// Electron binary with @electron/fuses and fails when any fuse differs from electronFuses in
// electron-builder.yml (a fuse electron-builder did not flip is a hole in the packaged app).
// Usage: node scripts/check-fuses.js                       (every packaged app under release/)
//        node scripts/check-fuses.js BINARY_OR_APP...      (e.g. release/mac-arm64/Crontray.app)
//        node scripts/check-fuses.js --config FILE ...     (another electron-builder config)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { FuseV1Options, getCurrentFuseWire } = require('@electron/fuses');
// The wire's byte values ('0', '1', 'r'); @electron/fuses does not export its FuseState enum.
const FuseState = { DISABLE: 48, ENABLE: 49, REMOVED: 114 };
// The YAML parser electron-builder itself reads its config with.
const yaml = require(require.resolve('js-yaml', { paths: [require.resolve('app-builder-lib')] }));

/** electron-builder.yml's camelCase names are @electron/fuses' option names, first letter lowered. */
function fuseIndex(name) {
  const index = FuseV1Options[name.charAt(0).toUpperCase() + name.slice(1)];
  return typeof index === 'number' ? index : null;
}

function describeState(state) {
  if (state === FuseState.ENABLE) return 'enabled';
  if (state === FuseState.DISABLE) return 'disabled';
  if (state === FuseState.REMOVED) return 'removed from this Electron';
  return `in unknown state ${state}`;
}

/** Every packaged app electron-builder leaves under release/ (unpacked dirs and .app bundles). */
function packagedApps(releaseDir, productName, executableName) {
  if (!existsSync(releaseDir)) return [];
  const found = [];
  for (const dir of readdirSync(releaseDir, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const path = join(releaseDir, dir.name);
    if (dir.name.startsWith('mac')) {
      const app = join(path, `${productName}.app`);
      if (existsSync(app)) found.push(app);
    } else if (dir.name.endsWith('-unpacked')) {
      for (const name of [`${productName}.exe`, executableName]) {
        if (existsSync(join(path, name))) found.push(join(path, name));
      }
    }
  }
  return found;
}

/** The differences between the configured fuses and one binary's wire, one sentence each. */
export function compareFuses(configured, wire) {
  const problems = [];
  for (const [name, wanted] of Object.entries(configured)) {
    const index = fuseIndex(name);
    if (index === null) {
      problems.push(`${name}: electron-builder.yml sets a fuse @electron/fuses does not know`);
      continue;
    }
    const state = wire[index];
    const expected = wanted ? FuseState.ENABLE : FuseState.DISABLE;
    if (state === undefined) problems.push(`${name}: not in this binary's fuse wire`);
    else if (state !== expected)
      problems.push(
        `${name}: electron-builder.yml says ${wanted ? 'enabled' : 'disabled'}, the binary has it ${describeState(state)}`,
      );
  }
  return problems;
}

async function main(argv) {
  const configFlag = argv.indexOf('--config');
  const configPath = configFlag >= 0 ? argv[configFlag + 1] : join(root, 'electron-builder.yml');
  const config = yaml.load(readFileSync(configPath, 'utf8'));
  const configured = config.electronFuses ?? {};
  if (Object.keys(configured).length === 0) {
    console.error(`check-fuses: ${configPath} sets no electronFuses; nothing to compare.`);
    return 1;
  }
  const given = argv.filter((a, i) => a !== '--config' && argv[i - 1] !== '--config');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const productName = config.productName ?? pkg.productName ?? pkg.name;
  const executableName = config.linux?.executableName ?? config.executableName ?? pkg.name;
  const binaries =
    given.length > 0
      ? given
      : packagedApps(join(root, config.directories?.output ?? 'dist'), productName, executableName);
  if (binaries.length === 0) {
    console.error('check-fuses: no packaged app found under release/; run `npm run dist` first.');
    return 1;
  }
  let failed = false;
  for (const binary of binaries) {
    const shown = relative(root, binary) || binary;
    let wire;
    try {
      wire = await getCurrentFuseWire(binary);
    } catch (error) {
      console.error(`check-fuses: ${shown}: ${error instanceof Error ? error.message : error}`);
      failed = true;
      continue;
    }
    const problems = compareFuses(configured, wire);
    if (problems.length === 0) {
      console.log(
        `check-fuses: ${shown}: all ${Object.keys(configured).length} fuses as configured`,
      );
    } else {
      failed = true;
      console.error(`check-fuses: ${shown} differs from electron-builder.yml:`);
      for (const problem of problems) console.error(`  ${problem}`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
