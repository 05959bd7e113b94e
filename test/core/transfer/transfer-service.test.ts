import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CrontrayService } from '../../../main/core/service/service.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import type { Envelope } from '../../../main/api/channel.js';
import type { Channel, EventMap, RequestOf, ResponseOf } from '../../../main/api/contract.js';
import { writeBundle } from '../../../main/core/transfer/bundle-write.js';
import { taskDefinition } from '../../../main/core/model/task.js';

const FIXTURES = resolve(import.meta.dirname, '..', '..', 'fixtures', 'crontabs');
const START = Date.UTC(2026, 5, 1, 8, 0, 0);
const dirs: string[] = [];
const services: CrontrayService[] = [];

async function open(dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'crontray-transfer-')));
  if (!dataDir) dirs.push(dir);
  const service = new CrontrayService({
    dataDir: dir,
    host: 'headless',
    version: '0.0.0-test',
    testMode: true,
    clock: new VirtualClock(START),
    historyMode: 'polling',
    resumeScheduler: false,
  });
  await service.open();
  services.push(service);
  const events: { event: keyof EventMap; payload: unknown }[] = [];
  service.events.subscribe((event, payload) => events.push({ event, payload }));
  const call = async <C extends Channel>(
    channel: C,
    request?: RequestOf<C>,
  ): Promise<ResponseOf<C>> => {
    const envelope = (await service.call(channel, request)) as Envelope<ResponseOf<C>>;
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
    return envelope.value;
  };
  const fail = async (channel: Channel, request: unknown) => {
    const envelope = await service.call(channel, request);
    if (envelope.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return envelope.error;
  };
  /** Runs a task now and returns what it printed. */
  const output = async (id: string) => {
    const started = await call('tasks:runNow', { id });
    for (let i = 0; i < 500; i++) {
      const page = await call('history:runs', { taskId: id });
      const run = page.items.find((r) => r.runId === started.runId);
      if (run && run.status !== 'running' && run.status !== 'queued') {
        const record = await call('history:run', {
          project: run.project,
          group: run.group,
          name: run.name,
          runId: run.runId,
        });
        return (record.stdout?.head ?? '') + (record.stdout?.tail ?? '');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the run did not finish');
  };
  return { service, dir, call, fail, events, output };
}

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const fixture = (name: string) => readFile(join(FIXTURES, name), 'utf8');

describe('importing a crontab through the service', () => {
  it('previews without saving, imports, and importing again changes nothing', async () => {
    const a = await open();
    const text = await fixture('11-developer.crontab');
    const preview = await a.call('transfer:preview', { text });
    expect(preview.counts).toEqual({ tasks: 4, existing: 0, skipped: 6 });
    expect(await a.call('tasks:list')).toHaveLength(0);

    const first = await a.call('transfer:import', { text });
    expect(first.created).toHaveLength(4);
    const config = await readFile(join(a.dir, 'config.json'), 'utf8');

    const second = await a.call('transfer:import', { text });
    expect(second.created).toEqual([]);
    expect(second.counts).toEqual({ tasks: 0, existing: 4, skipped: 6 });
    expect(
      second.rows
        .filter((r) => r.outcome === 'exists')
        .every((r) => /already there/.test(r.message)),
    ).toBe(true);
    expect(await readFile(join(a.dir, 'config.json'), 'utf8')).toBe(config);
  });

  it('runs an imported line with its environment and its % input, as cron would', async () => {
    const a = await open();
    const text = 'GREETING=hello from cron\n* * * * * echo "$GREETING"; cat%line one%100\\% done\n';
    const result = await a.call('transfer:import', { text, project: 'mine' });
    expect(result.created).toHaveLength(1);
    expect(await a.output(result.created[0]!.id)).toBe('hello from cron\nline one\n100% done');
    const [task] = await a.call('tasks:list');
    expect(task?.project).toBe('mine');
  });

  it("refuses a pattern the engine refuses, with the engine's reason, and imports the rest", async () => {
    const a = await open();
    const preview = await a.call('transfer:preview', {
      text: '0 0 31 2 * /never\n0 0 * * * /daily\n',
    });
    expect(preview.rows[0]).toMatchObject({ outcome: 'skipped' });
    expect(preview.rows[0]?.message).toMatch(/^not imported: .*pattern '0 0 31 2 \*' never fires/);
    expect(preview.counts.tasks).toBe(1);
  });

  it('reports progress with the caller’s operation id up to the last task', async () => {
    const a = await open();
    const lines = Array.from({ length: 30 }, (_, i) => `${i} * * * * /bin/true job-${i}`).join(
      '\n',
    );
    await a.call('transfer:import', { text: lines, operationId: 'op-1' });
    const progress = a.events
      .filter((e) => e.event === 'transfer:progress')
      .map((e) => e.payload as EventMap['transfer:progress']);
    expect(progress[0]).toEqual({ operationId: 'op-1', operation: 'import', done: 0, total: 30 });
    expect(progress.at(-1)).toEqual({
      operationId: 'op-1',
      operation: 'import',
      done: 30,
      total: 30,
    });
  });

  it('an empty text is refused with a message naming the field', async () => {
    const a = await open();
    const error = await a.fail('transfer:preview', { text: '  \n' });
    expect(error).toMatchObject({ code: 'invalid', field: 'text' });
    expect(error.message).toMatch(/paste a crontab or choose a file/);
  });
});

describe('exporting and importing bundles between two data folders', () => {
  const secretTask = {
    name: 'deploy',
    project: 'web',
    schedule: { kind: 'cron' as const, pattern: '0 4 * * *' },
    timezone: 'Europe/Berlin',
    maxRetries: 2,
    notes: 'ships the site',
    action: {
      kind: 'shell' as const,
      mode: 'script' as const,
      // Run output hides secret values, so the script prints it upper-cased.
      script: 'echo "token=[$(echo "$API_TOKEN" | tr a-z A-Z)] region=$REGION"',
      env: [
        { name: 'API_TOKEN', value: 'tok-123', secret: true },
        { name: 'REGION', value: 'eu', secret: false },
      ],
    },
  };
  const intervalTask = {
    name: 'poll',
    schedule: { kind: 'interval' as const, everyMs: 60_000 },
    action: { kind: 'http' as const, url: 'http://127.0.0.1:9/health' },
  };

  it('restores tasks, policies and sealed secrets in another data folder with the passphrase', async () => {
    const a = await open();
    await a.call('tasks:create', secretTask);
    await a.call('tasks:create', intervalTask);
    const bundle = await a.call('transfer:export', {
      format: 'bundle',
      passphrase: 'correct horse',
    });
    expect(bundle).toMatchObject({
      exported: 2,
      secretsSealed: 1,
      secretsLeftOut: [],
      notExported: [],
    });
    expect(bundle.text).not.toContain('tok-123');

    const b = await open();
    const preview = await b.call('transfer:preview', { text: bundle.text });
    expect(preview).toMatchObject({ source: 'bundle', secretsSealed: true });
    const result = await b.call('transfer:import', {
      text: bundle.text,
      passphrase: 'correct horse',
    });
    expect(result.created.map((c) => c.name).sort()).toEqual(['deploy', 'poll']);
    const deploy = (await b.call('tasks:list')).find((t) => t.name === 'deploy')!;
    expect(deploy).toMatchObject({
      project: 'web',
      timezone: 'Europe/Berlin',
      maxRetries: 2,
      notes: 'ships the site',
    });
    expect(await b.output(deploy.id)).toBe('token=[TOK-123] region=eu\n');
    // And once more: nothing changes.
    const again = await b.call('transfer:import', {
      text: bundle.text,
      passphrase: 'correct horse',
    });
    expect(again.counts).toMatchObject({ tasks: 0, existing: 2 });
  });

  it('leaves secrets out without a passphrase and lists them', async () => {
    const a = await open();
    await a.call('tasks:create', secretTask);
    const bundle = await a.call('transfer:export', { format: 'bundle' });
    expect(bundle.secretsLeftOut).toEqual([{ task: 'deploy', field: 'action.env.API_TOKEN' }]);
    expect(bundle.text).not.toContain('tok-123');
    const b = await open();
    const result = await b.call('transfer:import', { text: bundle.text });
    expect(result.rows[0]?.message).toMatch(/enter again after import: action.env.API_TOKEN/);
    expect(await b.output(result.created[0]!.id)).toBe('token=[] region=eu\n');
  });

  it('a wrong passphrase or a damaged bundle is a clear error and imports nothing', async () => {
    const a = await open();
    await a.call('tasks:create', secretTask);
    await a.call('tasks:create', intervalTask);
    const { text } = await a.call('transfer:export', {
      format: 'bundle',
      passphrase: 'correct horse',
    });
    const b = await open();

    const wrong = await b.fail('transfer:import', { text, passphrase: 'wrong horse' });
    expect(wrong).toMatchObject({ code: 'invalid', field: 'passphrase' });
    expect(wrong.message).toMatch(/passphrase is wrong/);
    const missing = await b.fail('transfer:import', { text });
    expect(missing.message).toMatch(/give the passphrase/);

    const edited = await b.fail('transfer:import', {
      text: text.replace('"0 4 * * *"', '"0 5 * * *"'),
      passphrase: 'correct horse',
    });
    expect(edited.message).toMatch(/damaged: its tasks do not match its checksum/);
    const cut = await b.fail('transfer:import', {
      text: text.slice(0, text.length / 2),
      passphrase: 'correct horse',
    });
    expect(cut.message).toMatch(/not valid JSON, the file may be damaged or cut short/);
    expect(await b.call('tasks:list')).toEqual([]);
  });

  it('takes back every task it created when one in the middle fails', async () => {
    const b = await open();
    const def = (name: string, pattern = '0 1 * * *') =>
      taskDefinition.parse({ name, schedule: { kind: 'cron', pattern } });
    const action = {
      kind: 'shell' as const,
      mode: 'exec' as const,
      program: 'true',
      args: [],
      shell: 'sh' as const,
      script: '',
      env: [],
    };
    // Two different tasks of one name in one bundle: the second cannot be created.
    const { text } = await writeBundle(
      [
        { definition: def('one'), action },
        { definition: def('two'), action },
        { definition: def('two', '0 2 * * *'), action },
      ],
      { exportedAt: START },
    );
    const error = await b.fail('transfer:import', { text });
    expect(error.message).toMatch(
      /^Import: task 'two' could not be created .*the 2 task\(s\) created before it were removed again/,
    );
    expect(await b.call('tasks:list')).toEqual([]);
  });
});

describe('exporting a crontab', () => {
  it('writes what cron can express, and lists every task it cannot with the reason', async () => {
    const a = await open();
    await a.call('tasks:create', {
      name: 'report',
      schedule: { kind: 'cron', pattern: '0 30 7 * * 1-5' },
      action: { kind: 'shell', program: 'report', args: ['--to', 'boss@example.com', "it's done"] },
    });
    await a.call('tasks:create', {
      name: 'secs',
      schedule: { kind: 'cron', pattern: '15 * * * * *' },
      action: { kind: 'shell', program: 'x' },
    });
    await a.call('tasks:create', {
      name: 'web',
      schedule: { kind: 'cron', pattern: '0 * * * *' },
      action: { kind: 'http', url: 'http://127.0.0.1:9/' },
    });
    await a.call('tasks:create', {
      name: 'every',
      schedule: { kind: 'interval', everyMs: 60_000 },
      action: { kind: 'shell', program: 'x' },
    });
    await a.call('tasks:create', {
      name: 'both',
      schedule: { kind: 'cron', pattern: '0 0 13 * 5', dayMatch: 'and' },
      action: { kind: 'shell', program: 'x' },
    });
    const result = await a.call('transfer:export', { format: 'crontab' });
    expect(result.exported).toBe(1);
    expect(result.text).toContain("30 7 * * 1-5 report --to boss@example.com 'it'\\''s done'\n");
    expect(Object.fromEntries(result.notExported.map((n) => [n.name, n.reason]))).toEqual({
      secs: 'it runs at second(s) 15; cron counts minutes only',
      web: 'it makes a web request; a crontab runs commands only',
      every: 'it runs on an interval schedule; a crontab holds cron patterns only',
      both: 'it needs both its day of month and its weekday to match; cron runs when either does',
    });
    expect(result.text).toContain('# Not exported: web: it makes a web request');
  });

  it("writes @reboot for a task only Crontray's start runs, and says which triggers a line cannot carry", async () => {
    const a = await open();
    await a.call('transfer:import', { text: '@reboot /usr/bin/start-agent --quiet\n' });
    const [agent] = await a.call('tasks:list');
    expect(agent?.triggers).toMatchObject({ events: ['start'], eventsOnly: true });
    await a.call('tasks:create', {
      name: 'quiet-backup',
      schedule: { kind: 'cron', pattern: '0 2 * * *' },
      triggers: { jitterSec: 300, events: ['wake'] },
      action: { kind: 'shell', program: 'backup' },
    });
    await a.call('tasks:create', {
      name: 'on-wake',
      schedule: { kind: 'cron', pattern: '0 2 * * *' },
      triggers: { events: ['wake'], eventsOnly: true },
      action: { kind: 'shell', program: 'resync' },
    });
    const result = await a.call('transfer:export', { format: 'crontab' });
    expect(result.text).toContain('\n@reboot /usr/bin/start-agent --quiet\n');
    expect(result.text).toContain('\n0 2 * * * backup\n');
    expect(result.warnings).toContainEqual(
      expect.objectContaining({
        name: 'quiet-backup',
        message:
          "written without what cron cannot carry: a random delay of up to 300 s, the 'after the machine wakes' event",
      }),
    );
    expect(result.notExported).toEqual([
      expect.objectContaining({
        name: 'on-wake',
        reason: 'it runs only after the machine wakes; cron has no such event',
      }),
    ]);
    const b = await open();
    await b.call('transfer:import', { text: result.text });
    const names = async (s: typeof a) => (await s.call('tasks:list')).map((t) => t.name).sort();
    expect(await names(b)).toContain(agent?.name);
  });

  it('round-trips a crontab: export what was imported and import it in another folder to the same tasks', async () => {
    const a = await open();
    const original = await fixture('04-percent.crontab');
    await a.call('transfer:import', { text: original });
    const exported = await a.call('transfer:export', { format: 'crontab' });
    expect(exported.notExported).toEqual([]);
    expect(exported.text).toContain(
      '0 6 * * * mail -s "daily report" root%Good morning,%the report is attached.%\n',
    );
    expect(exported.text).toContain('tar czf /backups/etc-$(date +\\%Y-\\%m-\\%d).tgz /etc');
    const b = await open();
    await b.call('transfer:import', { text: exported.text });
    const names = async (s: typeof a) => (await s.call('tasks:list')).map((t) => t.name).sort();
    expect(await names(b)).toEqual(await names(a));
  });
});
