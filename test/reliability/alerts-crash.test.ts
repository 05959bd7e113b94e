import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertView, TaskView } from '../../main/api/contract.js';
import { outboxEntry } from '../../main/core/alerts/outbox-entry.js';
import type { OutboxEntry } from '../../main/core/alerts/outbox-entry.js';
import { makeDataDir, removeDataDir, staleTempFiles, unreadableFiles } from './data-files.js';
import { spawnHeadless, valueOf } from '../support/headless-client.js';
import type { Headless } from '../support/headless-client.js';
import { envCount, recordFigures } from './figures.js';

const CYCLES = envCount('CRONTRAY_ALERT_CRASH_CYCLES', 6);
/** Tasks that fail and recover on alternate runs, so every run raises an alert. */
const FLAPPING_TASKS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How the receiver treats a request: drops the connection, never answers, or answers 200. */
type Mode = 'refuse' | 'hang' | 'ok';

/**
 * A webhook receiver on 127.0.0.1 whose behaviour the test switches between kills. It counts
 * the alerts it accepted by the Idempotency-Key header, and checks the body's id matches it.
 */
class FlakyReceiver {
  mode: Mode = 'refuse';
  /** Alert id -> how many times this receiver answered 200 for it. */
  readonly accepted = new Map<string, number>();
  readonly requests: { id: string; bodyId: string; mode: Mode }[] = [];
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const id = String(req.headers['idempotency-key'] ?? '');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string };
        const mode = this.mode;
        this.requests.push({ id, bodyId: body.id ?? '', mode });
        if (mode === 'refuse') {
          req.socket.destroy();
          return;
        }
        if (mode === 'hang') return; // the sender's timeout ends it
        this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1);
        res.writeHead(200).end('ok');
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/alerts`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

/** The outbox as the dead process left it on disk. */
async function outboxOnDisk(dataDir: string): Promise<OutboxEntry[]> {
  const dir = join(dataDir, 'alerts', 'outbox');
  const entries: OutboxEntry[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    entries.push(outboxEntry.parse(JSON.parse(await readFile(join(dir, name), 'utf8'))));
  }
  return entries;
}

describe('kill -9 of the headless process with alerts queued or being delivered', () => {
  let dataDir: string;
  let flags: string;
  let app: Headless | null = null;
  const receiver = new FlakyReceiver();
  const figures = {
    cycles: 0,
    alerts: 0,
    pendingAtKills: 0,
    inFlightAtKills: 0,
    /** Copies a receiver got beyond the first (at least once: each carries the same id). */
    repeatedAfterCrash: 0,
    settledAtKills: 0,
    refusedOrHungTries: 0,
  };

  beforeAll(async () => {
    dataDir = await makeDataDir('alerts-crash');
    flags = await mkdtemp(join(tmpdir(), 'crontray-alerts-flags-'));
  });

  afterAll(async () => {
    await app?.kill9();
    await receiver.stop();
    recordFigures('alerts-crash', figures);
    await removeDataDir(dataDir);
    await rm(flags, { recursive: true, force: true });
  });

  it(
    `delivers every queued alert after ${CYCLES} crashes, each accepted once unless it was in flight at a kill`,
    async () => {
      const url = await receiver.listen();
      app = await spawnHeadless({ dataDir, start: true });
      valueOf(
        await app.call('alerts:settings:set', {
          channels: [{ id: 'hook', name: 'Receiver', kind: 'webhook', url, timeoutMs: 2000 }],
          defaultChannels: ['hook'],
          rules: { failureAfter: 1, recovery: true, missed: { enabled: false, graceMs: 60_000 } },
        }),
      );
      const tasks: string[] = [];
      for (let i = 0; i < FLAPPING_TASKS; i++) {
        const flag = join(flags, `broken-${i}`);
        const task = valueOf(
          await app.call<TaskView>('tasks:create', {
            name: `flapping ${i}`,
            schedule: { kind: 'interval', everyMs: 400 },
            action: {
              kind: 'shell',
              mode: 'script',
              script: `if [ -e '${flag}' ]; then rm '${flag}'; echo fixed; else touch '${flag}'; echo broken; exit 1; fi`,
            },
          }),
        );
        tasks.push(task.id);
      }

      /** Alert id -> acceptances the disk did not record by a kill (each is sent once more). */
      const mayRepeat = new Map<string, number>();
      /** Alert id -> acceptances when a kill found it recorded as delivered: never sent again. */
      const settled = new Map<string, number>();
      const everQueued = new Set<string>();
      /** What the dead process left: every queued alert, and what the receiver saw of each. */
      const afterKill = async () => {
        expect(await unreadableFiles(dataDir)).toEqual([]);
        for (const entry of await outboxOnDisk(dataDir)) {
          everQueued.add(entry.id);
          const accepted = receiver.accepted.get(entry.id) ?? 0;
          if (entry.deliveries[0]?.state === 'delivered') {
            if (!settled.has(entry.id)) settled.set(entry.id, accepted);
            figures.settledAtKills++;
            continue;
          }
          figures.pendingAtKills++;
          if (accepted > (mayRepeat.get(entry.id) ?? 0)) {
            // Sent and accepted, but the dead process never recorded it: it is sent again.
            mayRepeat.set(entry.id, accepted);
            figures.inFlightAtKills++;
          }
        }
      };
      const modes: Mode[] = ['refuse', 'hang', 'ok'];
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        receiver.mode = modes[cycle % modes.length] as Mode;
        await sleep(800 + Math.random() * 2000);
        await app.kill9();
        await afterKill();
        const restartedAt = Date.now();
        app = await spawnHeadless({ dataDir, start: true });
        expect(await staleTempFiles(dataDir, restartedAt)).toEqual([]);
        figures.cycles++;
      }

      // Quiet the tasks, let the receiver accept everything, and crash once more with what is left.
      receiver.mode = 'ok';
      for (const id of tasks) valueOf(await app.call('tasks:disable', { id }));
      await sleep(500);
      await app.kill9();
      await afterKill();
      app = await spawnHeadless({ dataDir });

      let history: AlertView[] = [];
      for (let wait = 0; wait < 200; wait++) {
        history = valueOf(await app.call<AlertView[]>('alerts:history', { limit: 1000 }));
        if (history.every((a) => a.deliveries.every((d) => d.state !== 'pending'))) break;
        await sleep(100);
      }
      await sleep(300); // a duplicate, if any, would arrive now
      for (const entry of await outboxOnDisk(dataDir)) everQueued.add(entry.id);

      // None lost: every alert that ever reached the outbox was delivered, none given up.
      const byId = new Map(history.map((a) => [a.id, a]));
      for (const id of everQueued) {
        const d = byId.get(id)?.deliveries[0];
        expect(d?.state, `alert ${id}`).toBe('delivered');
        const accepted = receiver.accepted.get(id) ?? 0;
        expect(accepted, `alert ${id} never reached the receiver`).toBeGreaterThanOrEqual(1);
        // Once recorded as delivered, an alert is never sent again, whatever crashes follow.
        if (settled.has(id))
          expect(accepted, `alert ${id} sent after delivery`).toBe(settled.get(id));
        // A copy beyond the first is explained by a kill before the acceptance was recorded, or
        // by a try the sender gave up on (timed out) that the receiver had in fact accepted.
        const unanswered = (d?.attempts ?? []).filter((t) => t.outcome !== 'delivered').length;
        expect(accepted, `alert ${id} repeated`).toBeLessThanOrEqual(
          1 + (mayRepeat.get(id) ?? 0) + unanswered,
        );
        figures.repeatedAfterCrash += accepted - 1;
      }
      // Nothing arrived that the outbox does not hold, and each request named its alert.
      for (const id of receiver.accepted.keys()) expect(everQueued.has(id)).toBe(true);
      for (const r of receiver.requests) expect(r.bodyId).toBe(r.id);

      figures.alerts = everQueued.size;
      figures.refusedOrHungTries = receiver.requests.filter((r) => r.mode !== 'ok').length;
      // The kills really landed with alerts queued, and the receiver really refused and hung.
      expect(figures.pendingAtKills).toBeGreaterThan(0);
      expect(receiver.requests.some((r) => r.mode === 'refuse')).toBe(true);
      expect(receiver.requests.some((r) => r.mode === 'hang')).toBe(true);
      const tries = history.flatMap((a) => a.deliveries.flatMap((d) => d.attempts));
      // A hung try ends 'timed-out' only when no kill comes first (test/core/alerts covers the
      // timeout itself); refused ones are recorded 'failed'.
      expect(tries.some((t) => t.outcome === 'failed')).toBe(true);
    },
    CYCLES * 15_000 + 40_000,
  );
});
