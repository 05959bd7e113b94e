import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Fuses from '@electron/fuses';
import { compareFuses } from '../../scripts/check-fuses.js';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { FuseV1Options, FuseVersion, flipFuses } = require('@electron/fuses') as typeof Fuses;
const configured = (
  yaml.load(await readFile('electron-builder.yml', 'utf8')) as {
    electronFuses: Record<string, boolean>;
  }
).electronFuses;

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = 49;
const OFF = 48;

let dir: string;
// A file in the fuse wire format Electron binaries carry (sentinel, version 1, 8 fuses), flipped
// by @electron/fuses exactly as electron-builder does for electronFuses in electron-builder.yml.
async function binary(name: string, config: Record<number, boolean>): Promise<string> {
  const path = join(dir, name);
  const wire = Buffer.from([1, 8, ON, OFF, ON, ON, OFF, OFF, OFF, ON]);
  await writeFile(path, Buffer.concat([Buffer.alloc(64, 7), Buffer.from(SENTINEL), wire]));
  await flipFuses(path, { version: FuseVersion.V1, ...config });
  return path;
}
const asBuilderFlips = {
  [FuseV1Options.RunAsNode]: configured.runAsNode,
  [FuseV1Options.EnableCookieEncryption]: configured.enableCookieEncryption,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]:
    configured.enableNodeOptionsEnvironmentVariable,
  [FuseV1Options.EnableNodeCliInspectArguments]: configured.enableNodeCliInspectArguments,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]:
    configured.enableEmbeddedAsarIntegrityValidation,
  [FuseV1Options.OnlyLoadAppFromAsar]: configured.onlyLoadAppFromAsar,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]:
    configured.loadBrowserProcessSpecificV8Snapshot,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: configured.grantFileProtocolExtraPrivileges,
} as Record<number, boolean>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-fuses-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const check = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/check-fuses.js', ...args], { encoding: 'utf8' });

describe('the fuse check after npm run dist', () => {
  it('passes a binary whose fuses were flipped as electron-builder.yml says', async () => {
    const result = check(await binary('good', asBuilderFlips));
    expect(result.stdout).toContain(`all ${Object.keys(configured).length} fuses as configured`);
    expect(result.status).toBe(0);
  });

  it('fails, naming the fuse, when one differs (RunAsNode left on)', async () => {
    const result = check(
      await binary('bad', { ...asBuilderFlips, [FuseV1Options.RunAsNode]: true }),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'runAsNode: electron-builder.yml says disabled, the binary has it enabled',
    );
  });

  it('fails when no packaged app is there to read', () => {
    const result = check(join(dir, 'missing'));
    expect(result.status).toBe(1);
  });

  it('reports fuses the binary lacks or that @electron/fuses does not know', () => {
    expect(compareFuses({ runAsNode: false, someFutureFuse: true }, { 0: OFF })).toEqual([
      'someFutureFuse: electron-builder.yml sets a fuse @electron/fuses does not know',
    ]);
    expect(compareFuses({ grantFileProtocolExtraPrivileges: false }, { 0: OFF })).toEqual([
      "grantFileProtocolExtraPrivileges: not in this binary's fuse wire",
    ]);
  });
});
