import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Envelope } from '../../main/api/channel.js';
import type { TaskView } from '../../main/api/contract.js';
import { SECRET_MASK } from '../../main/core/model/action.js';
import { listFiles, makeDataDir, removeDataDir, waitForRuns } from './data-files.js';
import { send, spawnHeadless, valueOf } from '../support/headless-client.js';
import type { Headless } from '../support/headless-client.js';

/** Appears only in the task's action: anywhere else on disk means an action leaked in clear. */
const MARKER = 'MARKER_reliability_5f2e91';
const SECRET = 'hunter2-reliability-secret-8d41';

describe('the real headless process guards its API and its secrets', () => {
  let dataDir: string;
  let app: Headless;
  let taskId: string;

  const api = (channel: string, headers: Record<string, string>, body = '{}') =>
    send(app.port, {
      path: `/api/${channel}`,
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
  const host = () => `127.0.0.1:${app.port}`;

  beforeAll(async () => {
    dataDir = await makeDataDir('security');
    // Not test mode: the real AES-GCM vault with its key file, as a user runs it.
    app = await spawnHeadless({ dataDir, start: true });
    const task = valueOf(
      await app.call<TaskView>('tasks:create', {
        name: 'echo secret',
        notes: 'prints its secret on purpose',
        schedule: { kind: 'cron', pattern: '0 0 1 1 *' },
        action: {
          kind: 'shell',
          mode: 'script',
          script: `echo "${MARKER}" >/dev/null; echo "token=$API_TOKEN"; echo "again $API_TOKEN" >&2; exit 3`,
          env: [{ name: 'API_TOKEN', value: SECRET, secret: true }],
        },
      }),
    );
    taskId = task.id;
    valueOf(await app.call('tasks:runNow', { id: taskId }));
    await waitForRuns(dataDir, (runs) => runs.some((r) => r.status === 'failed'));
  });

  afterAll(async () => {
    await app.stop();
    await removeDataDir(dataDir);
  });

  it('refuses a Host header that is not this machine loopback address', async () => {
    for (const badHost of [
      'evil.example',
      `evil.example:${app.port}`,
      `192.168.1.5:${app.port}`,
      '127.0.0.1:1',
    ]) {
      const reply = await api('app:info', { Host: badHost, Authorization: `Bearer ${app.token}` });
      expect(reply.status).toBe(403);
      expect((JSON.parse(reply.body) as Envelope<unknown>).ok).toBe(false);
    }
  });

  it('refuses a missing or wrong token', async () => {
    const missing = await api('tasks:list', { Host: host() });
    expect(missing.status).toBe(401);
    const wrong = await api('tasks:list', {
      Host: host(),
      Authorization: `Bearer ${app.token.slice(1)}x`,
    });
    expect(wrong.status).toBe(401);
    const scheme = await api('tasks:list', { Host: host(), Authorization: `Basic ${app.token}` });
    expect(scheme.status).toBe(401);
    expect(missing.body).not.toContain('echo secret');
  });

  it('refuses cross-origin requests even with the right token', async () => {
    const auth = { Host: host(), Authorization: `Bearer ${app.token}` };
    const origin = await api('tasks:list', { ...auth, Origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    const site = await api('tasks:list', { ...auth, 'Sec-Fetch-Site': 'cross-site' });
    expect(site.status).toBe(403);
    const same = await api('tasks:list', { ...auth, Origin: `http://${host()}` });
    expect(same.status).toBe(200);
  });

  it('keeps the token file and the key file private to the user (0600)', async () => {
    const present = new Set(await listFiles(dataDir));
    // Tasks and actions are in config.json and vault.json, or still in their change journals.
    const stores = ['vault.json', 'config.json', 'vault-changes.jsonl', 'config-changes.jsonl'];
    for (const file of ['headless-token', 'vault.key', ...stores.filter((f) => present.has(f))]) {
      const mode = (await stat(join(dataDir, file))).mode & 0o777;
      expect(mode.toString(8), file).toBe('600');
    }
  });

  it('never stores an action in clear: the marker is in no file of the data folder', async () => {
    const vault = await readFile(join(dataDir, 'vault.json'), 'utf8').catch(() => '');
    const journal = await readFile(join(dataDir, 'vault-changes.jsonl'), 'utf8').catch(() => '');
    expect(vault + journal).toContain('cipherText');
    for (const file of await listFiles(dataDir)) {
      const text = await readFile(join(dataDir, file), 'utf8');
      expect(text, file).not.toContain(MARKER);
      expect(text, file).not.toContain(SECRET);
    }
  });

  it('masks the secret in run records, API answers and logs', async () => {
    const [run] = await waitForRuns(dataDir, (runs) => runs.some((r) => r.status === 'failed'));
    expect(run?.stdout?.head).toContain(`token=${SECRET_MASK}`);
    expect(run?.stderr?.head).toContain(`again ${SECRET_MASK}`);
    const view = valueOf(await app.call<TaskView>('tasks:get', { id: taskId }));
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(JSON.stringify(view)).toContain(SECRET_MASK);
    const runs = await app.call('history:runs', {});
    expect(JSON.stringify(runs)).not.toContain(SECRET);
    // The process printed its logs (a failed run is logged with its error) and none holds the secret.
    expect(app.output()).toContain('failed');
    expect(app.output()).not.toContain(SECRET);
    // The same lines go to the log file in the data folder.
    const logFile = await readFile(join(dataDir, 'logs', 'crontray.log'), 'utf8');
    expect(logFile).toContain('failed');
    expect(logFile).not.toContain(SECRET);
  });
});
