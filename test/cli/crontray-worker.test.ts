import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterTask, waitFor } from '../core/cluster/cluster-fixtures.js';
import { startClusterRig } from '../core/cluster/cluster-fixtures.js';
import type { ClusterRig } from '../core/cluster/cluster-fixtures.js';
import { crontray, startCrontray } from './cli-runner.js';

/** `crontray worker` is the built command line's subcommand, started as a real child process. */
describe('crontray worker', { timeout: 60_000 }, () => {
  let rig: ClusterRig;

  beforeAll(async () => {
    rig = await startClusterRig('cli-worker');
    await rig.controller.start();
  }, 30_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('is listed by crontray --help and explains its flags and exit codes', async () => {
    const main = await crontray(rig.dataDir, ['--help']);
    expect(main.stdout).toMatch(/worker\s+run the tasks a controller puts on a cluster queue/);
    const help = await crontray(rig.dataDir, ['worker', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: crontray worker --redis URL --queue NAME');
    expect(help.stdout).toContain('--key-file PATH');
    expect(help.stdout).toContain('--max-held N');
    expect(help.stdout).toMatch(/Exit codes: 0 stopped by SIGINT\/SIGTERM/);
  });

  it.each([
    [['worker', '--queue', 'main'], /--redis URL is required/],
    [['worker', '--redis', 'redis://127.0.0.1:1', '--queue', 'a b'], /--queue 'a b'/],
    [['worker', '--frobnicate'], /Unknown option '--frobnicate'/],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1', '--queue', 'main', '--max-held', '0'],
      /--max-held '0' must be a whole number from 1 to 100000/,
    ],
  ])('crontray %j exits 2 and names the flag', async (args, message) => {
    const result = await crontray(rig.dataDir, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('serves the queue until SIGTERM, its runs land in history under its name, and it exits 0', async () => {
    const { redis, dataDir } = rig;
    const worker = startCrontray(dataDir, [
      'worker',
      '--redis',
      redis.url,
      '--queue',
      'main',
      '--key-file',
      join(dataDir, 'cluster.key'),
      '--name',
      'from-cli',
      '--max-held',
      '50',
    ]);
    const exited = new Promise<number | null>((r) => worker.child.once('exit', (code) => r(code)));
    await worker.waitFor(/serving queue/);
    await rig.controller.upsert(
      clusterTask({ id: 'cli-beat' }, { kind: 'shell', mode: 'script', script: 'echo via-cli' }),
    );
    await waitFor(
      async () => (await rig.recordsOf('cli-beat')).some((r) => r.status === 'succeeded'),
      15_000,
      'a run on the cli worker',
    );
    await rig.controller.remove('cli-beat');
    const done = (await rig.recordsOf('cli-beat')).find((r) => r.status === 'succeeded');
    expect(done).toMatchObject({ worker: 'from-cli' });
    expect(done?.stdout?.head).toContain('via-cli');
    worker.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a cluster key that is not the controller’s with exit code 2', async () => {
    const wrong = join(rig.dataDir, 'wrong.key');
    await writeFile(wrong, 'd'.repeat(64));
    const result = await crontray(rig.dataDir, [
      'worker',
      '--redis',
      rig.redis.url,
      '--queue',
      'main',
      '--key-file',
      wrong,
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/is not the controller's .*copy cluster.key/);
  });
});
