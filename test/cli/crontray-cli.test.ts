import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnHeadless } from '../support/headless-client.js';
import type { Headless } from '../support/headless-client.js';
import { crontray, startCrontray } from './cli-runner.js';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'crontabs');
const dirs: string[] = [];
const tempDir = async (prefix: string) => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const json = <T>(text: string) => JSON.parse(text) as T;

afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('crontray when nothing runs', { timeout: 60_000 }, () => {
  it('says Crontray is not running and how to start it, with exit code 3', async () => {
    const dir = await tempDir('crontray-cli-none-');
    const text = await crontray(dir, ['status']);
    expect(text.code).toBe(3);
    expect(text.stderr).toContain(`Crontray is not running for ${dir}`);
    expect(text.stderr).toContain(`npm run headless -- --data-dir "${dir}"`);
    const asJson = await crontray(dir, ['list', '--json']);
    expect(asJson.code).toBe(3);
    expect(json(asJson.stdout)).toEqual({
      error: {
        code: 'not-running',
        message: expect.stringContaining('not running') as string,
        exitCode: 3,
      },
    });
  });

  it('says so too when the app was killed and left its endpoint file behind', async () => {
    const dir = await tempDir('crontray-cli-killed-');
    const app = await spawnHeadless({ dataDir: dir, testMode: true });
    await app.kill9();
    const result = await crontray(dir, ['status']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/nothing answers at http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('bad arguments', { timeout: 60_000 }, () => {
  const dir = join(tmpdir(), 'crontray-cli-unused');
  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/, /Usage: crontray COMMAND/],
    [['list', '--frobnicate'], /Unknown option '--frobnicate'/, /Usage: crontray list/],
    [['run'], /NAME is missing/, /Usage: crontray run NAME/],
    [['add', '--cron', '* * * * *'], /COMMAND is missing/, /Usage: crontray add --cron PATTERN/],
    [
      ['add', '--zone', 'Mars/Olympus', '--cron', '* * * * *', '--', 'true'],
      /--zone: timezone 'Mars\/Olympus'/,
      /Usage: crontray add/,
    ],
    [['add', '--', 'true'], /--cron: --cron PATTERN is required/, /Usage: crontray add/],
    [['logs', 'x', '--limit', 'zero'], /--limit must be a number/, /Usage: crontray logs NAME/],
    [
      ['export', 'out.crontab', '--passphrase-file', 'p'],
      /--passphrase-file: a crontab holds no secrets/,
      /Usage: crontray export/,
    ],
    [['import', 'a', 'b'], /unexpected argument 'b'/, /Usage: crontray import FILE/],
  ])('crontray %j exits 2 with a usage line naming the argument', async (args, message, usage) => {
    const result = await crontray(dir, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(usage);
  });

  it('--help lists every command and the exit codes, and exits 0', async () => {
    const result = await crontray(dir, ['--help']);
    expect(result.code).toBe(0);
    for (const command of [
      'status',
      'list',
      'run',
      'logs',
      'enable',
      'disable',
      'add',
      'import',
      'export',
    ])
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(result.stdout).toContain('3  Crontray is not running for this data folder');
    const one = await crontray(dir, ['logs', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Usage: crontray logs NAME \[--limit N\] \[--follow\]/);
  });
});

// Each command is a fresh Node process (about 0.3 s alone, seconds on a loaded 2-core machine).
describe('crontray against a running headless Crontray', { timeout: 120_000 }, () => {
  let app: Headless;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir('crontray-cli-');
    app = await spawnHeadless({ dataDir: dir, testMode: true });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('status --json gives the scheduler state, task counts and the endpoint', async () => {
    const result = await crontray(dir, ['status', '--json']);
    expect(result.code).toBe(0);
    expect(json(result.stdout)).toMatchObject({
      running: false,
      tasks: expect.any(Number) as number,
      enabledTasks: expect.any(Number) as number,
      nextRun: null,
      endpoint: `http://127.0.0.1:${app.port}`,
    });
    const text = await crontray(dir, ['status']);
    expect(text.stdout).toMatch(/^Scheduler: stopped$/m);
  });

  it('adds a task, lists it, disables and enables it by name; adding it again changes nothing', async () => {
    const args = [
      'add',
      '--cron',
      '0 7 * * 1-5',
      '--zone',
      'Europe/Berlin',
      '--name',
      'wake',
      '--',
      'echo',
      'good morning',
    ];
    const added = await crontray(dir, [...args, '--json']);
    expect(added.code).toBe(0);
    const task = json<{ id: string; name: string; scheduleText: string; timezone: string }>(
      added.stdout,
    );
    expect(task).toMatchObject({ name: 'wake', timezone: 'Europe/Berlin' });
    expect((await crontray(dir, [...args, '--json'])).stdout).toContain(task.id);

    const list = await crontray(dir, ['list', '--json']);
    const tasks = json<{ name: string; enabled: boolean }[]>(list.stdout);
    expect(tasks.filter((t) => t.name === 'wake')).toHaveLength(1);

    const disabled = await crontray(dir, ['disable', 'default/wake']);
    expect(disabled).toMatchObject({ code: 0, stdout: 'default/default/wake is disabled.\n' });
    const table = await crontray(dir, ['list']);
    expect(table.stdout).toMatch(/^wake\s+default\/default\s+no\s/m);
    expect((await crontray(dir, ['enable', 'wake', '--json'])).stdout).toContain('"enabled": true');
    const missing = await crontray(dir, ['enable', 'nope']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain("No task named 'nope'");
  });

  it('run waits for the run and prints its output; a failing run exits 6', async () => {
    await crontray(dir, [
      'add',
      '--cron',
      '0 0 * * *',
      '--name',
      'hello',
      '--',
      'sh',
      '-c',
      'echo hello from $0; echo oops >&2',
    ]);
    const ok = await crontray(dir, ['run', 'hello']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^default\/default\/hello run \S+: succeeded in \d+ ms, exit code 0 \(manual/,
    );
    expect(ok.stdout).toContain('--- stdout ---\nhello from sh\n--- stderr ---\noops');
    await crontray(dir, [
      'add',
      '--cron',
      '0 0 * * *',
      '--name',
      'broken',
      '--',
      'sh',
      '-c',
      'exit 3',
    ]);
    const failed = await crontray(dir, ['run', 'broken', '--json']);
    expect(failed.code).toBe(6);
    expect(json(failed.stdout)).toMatchObject({ name: 'broken', status: 'failed', exitCode: 3 });
  });

  it('logs shows the latest runs, and --follow prints each new run as it ends until Ctrl-C', async () => {
    await crontray(dir, ['add', '--cron', '0 0 * * *', '--name', 'ticker', '--', 'echo', 'tick']);
    await crontray(dir, ['run', 'ticker']);
    const logs = await crontray(dir, ['logs', 'ticker', '--json']);
    expect(logs.code).toBe(0);
    const records = json<{ status: string; stdout: { head: string } }[]>(logs.stdout);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'succeeded', stdout: { head: 'tick\n' } });

    const follow = startCrontray(dir, ['logs', 'ticker', '--follow', '--limit', '1']);
    await follow.waitFor(/Following default\/default\/ticker/);
    const tasks = (await app.call<{ id: string; name: string }[]>('tasks:list')) as {
      ok: true;
      value: { id: string; name: string }[];
    };
    const ticker = tasks.value.find((t) => t.name === 'ticker')!;
    await app.call('tasks:runNow', { id: ticker.id });
    await follow.waitFor(/ticker run \S+: succeeded[\s\S]*ticker run \S+: succeeded/);
    const exited = new Promise<number | null>((r) => follow.child.once('exit', (code) => r(code)));
    follow.child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('imports a crontab file, lists each line, and importing it again changes nothing', async () => {
    const file = join(FIXTURES, '11-developer.crontab');
    const dry = await crontray(dir, ['import', file, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: 4 task(s) would be imported');
    expect(dry.stdout).toMatch(/^2\s+skipped\s+not imported: Crontray keeps each run's output/m);
    const first = await crontray(dir, ['import', file, '--json']);
    expect(first.code).toBe(0);
    expect(json<{ created: unknown[] }>(first.stdout).created).toHaveLength(4);
    const again = await crontray(dir, ['import', file, '--json']);
    expect(json(again.stdout)).toMatchObject({ created: [], counts: { tasks: 0, existing: 4 } });
    const fromStdin = await crontray(
      dir,
      ['import', '-', '--project', 'piped'],
      '@daily /usr/bin/true\n',
    );
    expect(fromStdin.stdout).toContain('Imported 1 task(s)');
  });

  it('refuses the wrong token with exit code 4', async () => {
    const tokenFile = join(dir, 'headless-token');
    const token = await readFile(tokenFile, 'utf8');
    await writeFile(tokenFile, 'not-the-token\n');
    try {
      const result = await crontray(dir, ['list']);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`Crontray refused the token in ${dir}/headless-token`);
    } finally {
      await writeFile(tokenFile, token);
    }
  });

  it('exports a bundle with sealed secrets that another data folder imports with the passphrase', async () => {
    await app.call('tasks:create', {
      name: 'deploy',
      project: 'web',
      schedule: { kind: 'cron', pattern: '0 4 * * *' },
      action: {
        kind: 'shell',
        program: 'true',
        env: [{ name: 'API_TOKEN', value: 'tok-987', secret: true }],
      },
    });
    const passFile = join(dir, 'pass.txt');
    await writeFile(passFile, 'long enough passphrase\n');
    const bundle = join(dir, 'tasks.json');
    const exported = await crontray(dir, [
      'export',
      bundle,
      '--passphrase-file',
      passFile,
      '--json',
    ]);
    expect(exported.code).toBe(0);
    expect(json(exported.stdout)).toMatchObject({
      format: 'bundle',
      secretsSealed: 1,
      file: bundle,
    });
    expect(await readFile(bundle, 'utf8')).not.toContain('tok-987');

    const otherDir = await tempDir('crontray-cli-other-');
    const other = await spawnHeadless({ dataDir: otherDir, testMode: true });
    try {
      const wrongFile = join(dir, 'wrong.txt');
      await writeFile(wrongFile, 'a wrong passphrase\n');
      const wrong = await crontray(otherDir, ['import', bundle, '--passphrase-file', wrongFile]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/passphrase is wrong.*nothing was imported/);
      expect((await crontray(otherDir, ['list', '--json'])).stdout.trim()).toBe('[]');

      const imported = await crontray(otherDir, [
        'import',
        bundle,
        '--passphrase-file',
        passFile,
        '--json',
      ]);
      expect(imported.code).toBe(0);
      const names = json<{ name: string }[]>(
        (await crontray(otherDir, ['list', '--json'])).stdout,
      ).map((t) => t.name);
      const source = json<{ name: string }[]>((await crontray(dir, ['list', '--json'])).stdout).map(
        (t) => t.name,
      );
      expect(names.sort()).toEqual(source.sort());
    } finally {
      await other.stop();
    }
  });

  it('exports a crontab and lists what cron cannot express', async () => {
    await app.call('tasks:create', {
      name: 'morning',
      schedule: { kind: 'cron', pattern: '0 7 * * 1-5' },
      action: { kind: 'shell', program: 'echo', args: ['good morning'] },
    });
    await app.call('tasks:create', {
      name: 'often',
      schedule: { kind: 'interval', everyMs: 60_000 },
      action: { kind: 'shell', program: 'true' },
    });
    const file = join(dir, 'out.crontab');
    const result = await crontray(dir, ['export', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Not exported: often: it runs on an interval schedule');
    const text = await readFile(file, 'utf8');
    expect(text, text).toContain("0 7 * * 1-5 echo 'good morning'\n");
    expect(text).toContain('# Not exported: often:');
  });
});
