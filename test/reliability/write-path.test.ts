import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TaskView } from '../../main/api/contract.js';
import { makeDataDir, removeDataDir } from './data-files.js';
import { spawnHeadless, valueOf } from '../support/headless-client.js';
import type { Headless } from '../support/headless-client.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
let app: Headless | null = null;

afterEach(async () => {
  await app?.kill9();
  app = null;
  for (const dir of dirs.splice(0)) await removeDataDir(dir);
});

/** Runs a module from dist/ in a child process whose open-file limit is `limit`. */
function runLimited(limit: number, script: string, args: string[]) {
  return new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        `ulimit -n ${limit} && node="$0" && script="$1" && shift && exec "$node" --input-type=module -e "$script" "$@"`,
        process.execPath,
        script,
        ...args,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => done({ code, output }));
  });
}

describe('the write path', () => {
  it('a create that was answered survives a kill -9 right after the answer, with its action', async () => {
    const dataDir = await makeDataDir('group-commit');
    dirs.push(dataDir);
    app = await spawnHeadless({ dataDir });
    const current = app;
    const answered = new Map<string, string>();
    let firstAnswers!: () => void;
    const enough = new Promise<void>((r) => (firstAnswers = r));
    // Forty creates in flight at once share group commits; the kill lands right after the
    // tenth answer, while the rest are still being written.
    const creates = Array.from({ length: 40 }, async (_, i) => {
      try {
        const reply = await current.call<TaskView>('tasks:create', {
          name: `burst ${i}`,
          schedule: { kind: 'cron', pattern: '0 4 * * *' },
          action: { kind: 'shell', program: 'echo', args: [`burst ${i}`] },
        });
        if (reply.ok) answered.set(reply.value.id, reply.value.name);
        if (answered.size >= 10) firstAnswers();
      } catch {
        // the process died before answering: nothing was promised
      }
    });
    await Promise.race([enough, Promise.all(creates)]);
    const promised = new Map(answered);
    await current.kill9();
    await Promise.all(creates);

    app = await spawnHeadless({ dataDir });
    const tasks = valueOf(await app.call<TaskView[]>('tasks:list'));
    const byId = new Map(tasks.map((t) => [t.id, t]));
    for (const [id, name] of promised) {
      expect(byId.get(id)?.name, `answered create '${name}'`).toBe(name);
      const full = valueOf(await app.call<TaskView>('tasks:get', { id }));
      expect(full.locked).toBeNull();
      expect(full.action).toMatchObject({ kind: 'shell', program: 'echo' });
    }
    expect(promised.size).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('with only 128 file descriptors, 1,000 run records finishing at once all reach the disk', async () => {
    const jobsDir = await makeDataDir('emfile');
    dirs.push(jobsDir);
    const script = `
      const { RunRecordWriter } = await import('./dist/main/core/store/run-records.js');
      const { fileGate } = await import('./dist/main/core/fs/fd-gate.js');
      const [jobsDir, journalDir] = process.argv.slice(1);
      // More writes allowed in flight than the OS gives descriptors: EMFILE must be waited out.
      fileGate.setLimit(1000);
      const writer = new RunRecordWriter({ jobsDir, journalDir });
      await writer.recover();
      const at = Date.UTC(2026, 5, 1);
      await Promise.all(Array.from({ length: 1000 }, (_, i) => writer.write({
        runId: 'r' + i, taskId: 't' + (i % 20), project: 'load', group: 'g', name: 'task ' + (i % 20),
        status: 'succeeded', trigger: 'schedule', scheduledFor: at, startedAt: at, endedAt: at + 5,
      })));
      await writer.close();
      console.log('STATS ' + JSON.stringify(fileGate.stats()));
    `;
    const { code, output } = await runLimited(128, script, [
      join(jobsDir, 'jobs'),
      join(jobsDir, 'journal'),
    ]);
    expect(code, output).toBe(0);
    const stats = JSON.parse(/STATS (.*)/.exec(output)?.[1] ?? '{}') as { retries: number };
    // The limit was really hit, and waited out rather than failing a write.
    expect(stats.retries).toBeGreaterThan(0);
    let records = 0;
    const base = join(jobsDir, 'jobs', 'load', 'g');
    for (const task of await readdir(base)) {
      for (const file of await readdir(join(base, task))) {
        const record = JSON.parse(await readFile(join(base, task, file), 'utf8')) as {
          status: string;
        };
        expect(record.status).toBe('succeeded');
        records++;
      }
    }
    expect(records).toBe(1000);
    expect(await readdir(join(jobsDir, 'journal'))).toEqual([]);
  }, 60_000);
});
