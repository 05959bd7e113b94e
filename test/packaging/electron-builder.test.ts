import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import { Platform, build } from 'electron-builder';
import type { Configuration } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The same YAML parser electron-builder reads its config with (a dependency of app-builder-lib).
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const config = yaml.load(await readFile('electron-builder.yml', 'utf8')) as Configuration;

type Target = { target: string; arch?: string[] } | string;
const targetNames = (targets: unknown) =>
  (targets as Target[]).map((t) => (typeof t === 'string' ? t : t.target));
const archOf = (targets: unknown, name: string) =>
  (targets as Target[]).find(
    (t): t is { target: string; arch?: string[] } => typeof t !== 'string' && t.target === name,
  )?.arch;

describe('electron-builder.yml', () => {
  it('names the app and packs it into an asar', () => {
    expect(config.appId).toBe('app.crontray.desktop');
    expect(config.productName).toBe('Crontray');
    expect(config.asar).toBe(true);
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  it('builds nsis and portable on Windows, dmg and zip for x64 and arm64 on macOS, AppImage, deb and tar.gz on Linux', () => {
    expect(targetNames(config.win?.target)).toEqual(['nsis', 'portable']);
    expect(targetNames(config.mac?.target)).toEqual(['dmg', 'zip']);
    expect(archOf(config.mac?.target, 'dmg')).toEqual(['x64', 'arm64']);
    expect(archOf(config.mac?.target, 'zip')).toEqual(['x64', 'arm64']);
    expect(targetNames(config.linux?.target)).toEqual(['AppImage', 'deb', 'tar.gz']);
  });

  it('signs macOS builds with the hardened runtime and an entitlements file that exists', () => {
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.entitlements).toBe('build/entitlements.mac.plist');
    expect(existsSync(config.mac?.entitlements ?? '')).toBe(true);
  });

  it('gives Linux a desktop entry with categories', () => {
    const entry = (config.linux?.desktop as { entry?: Record<string, string> } | undefined)?.entry;
    expect(entry?.Categories).toMatch(/Utility;/);
    expect(entry?.Name).toBe('Crontray');
    expect(config.linux?.category).toBe('Utility');
  });

  it('points every icon at a file the build renders from build/icon.svg', () => {
    expect(config.win?.icon).toBe('dist/icons/icon.ico');
    expect(config.mac?.icon).toBe('dist/icons/icon.icns');
    expect(config.linux?.icon).toBe('dist/icons/png');
    expect(existsSync('build/icon.svg')).toBe(true);
  });
});

// The packaged app directory, built offline: electron-builder's own file matching and
// dependency collection run for real, with a stand-in for the Electron binary (the real one
// cannot be downloaded here). Fuses are flipped on the real binary only, so they are switched
// off for this stand-in; the test above checks their configuration.
describe('the packaged app directory', () => {
  let base: string;
  let files: string[];

  beforeAll(async () => {
    for (const built of [
      'dist/main/electron/entry.js',
      'dist/preload/preload.cjs',
      'dist/renderer/index.html',
    ]) {
      if (!existsSync(built))
        throw new Error(`packaging test: ${built} is missing; run 'npm run build' first`);
    }
    base = await mkdtemp(join(tmpdir(), 'crontray-pack-'));
    const electronDist = join(base, 'electron-dist');
    await mkdir(electronDist);
    await copyFile(process.execPath, join(electronDist, 'electron'));
    await writeFile(join(electronDist, 'LICENSE'), 'stand-in');
    await build({
      targets: Platform.LINUX.createTarget('dir'),
      publish: 'never',
      config: {
        ...config,
        electronFuses: null,
        electronDist,
        directories: { ...config.directories, output: join(base, 'out') },
      },
    });
    files = listPackage(join(base, 'out', 'linux-unpacked', 'resources', 'app.asar'), {
      isPack: false,
    }).map((f) => f.replace(/\\/g, '/').replace(/^\//, ''));
  }, 180_000);

  afterAll(async () => {
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('holds the main, preload and renderer bundles', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('dist/main/electron/entry.js');
    expect(files).toContain('dist/main/electron/icons/tray-running.png');
    expect(files).toContain('dist/preload/preload.cjs');
    expect(files).toContain('dist/renderer/index.html');
  });

  it('holds nothing of ours but built JavaScript, the UI and icons: no sources, tests or maps', () => {
    const ours = files.filter((f) => !f.startsWith('node_modules'));
    const unexpected = ours.filter((f) => !/^dist(\/|$)/.test(f) && f !== 'package.json');
    expect(unexpected).toEqual([]);
    const dirs = new Set(ours.map((f) => f.split('/').slice(0, 2).join('/')));
    expect([...dirs].filter((d) => d.includes('/')).sort()).toEqual([
      'dist/main',
      'dist/preload',
      'dist/renderer',
    ]);
    expect(ours.filter((f) => /\.(ts|tsx|map)$/.test(f) || /(^|\/)test(\/|$)/.test(f))).toEqual([]);
    expect(
      ours.filter(
        (f) =>
          f.startsWith('dist/preload/') && f !== 'dist/preload/preload.cjs' && f !== 'dist/preload',
      ),
    ).toEqual([]);
  });

  it('holds exactly the production dependencies from the lock file, and no dev dependency', async () => {
    const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as {
      packages: Record<
        string,
        {
          version?: string;
          dev?: boolean;
          devOptional?: boolean;
          optional?: boolean;
          link?: boolean;
        }
      >;
    };
    // electron-builder re-hoists the tree, so packages are compared as name@version, not by path.
    const production = new Set(
      Object.entries(lock.packages)
        .filter(
          ([path, info]) =>
            path.startsWith('node_modules/') &&
            !info.dev &&
            !info.devOptional &&
            !info.optional &&
            !info.link,
        )
        .map(
          ([path, info]) =>
            `${path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${info.version}`,
        ),
    );
    const asarPath = join(base, 'out', 'linux-unpacked', 'resources', 'app.asar');
    const packaged = new Set(
      files
        .filter((f) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(f))
        .map((f) => {
          const pkg = JSON.parse(extractFile(asarPath, f).toString('utf8')) as {
            name: string;
            version: string;
          };
          return `${pkg.name}@${pkg.version}`;
        }),
    );
    // Optional dependencies (msgpackr's native extract under bullmq, and what it needs) are
    // packed only where npm installed them for this platform, so they are left out of the count.
    const optional = new Set(
      Object.entries(lock.packages)
        .filter(
          ([path, info]) => path.startsWith('node_modules/') && (info.optional || info.devOptional),
        )
        .map(
          ([path, info]) =>
            `${path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${info.version}`,
        ),
    );
    expect([...packaged].filter((p) => !production.has(p) && !optional.has(p)).sort()).toEqual([]);
    expect([...production].filter((p) => !packaged.has(p)).sort()).toEqual([]);
    const names = new Set([...packaged].map((p) => p.slice(0, p.lastIndexOf('@'))));
    for (const dev of [
      'electron',
      'electron-builder',
      'vite',
      'vitest',
      'typescript',
      '@doyensec/electronegativity',
      '@resvg/resvg-wasm',
    ]) {
      expect(names.has(dev)).toBe(false);
    }
  });
});
