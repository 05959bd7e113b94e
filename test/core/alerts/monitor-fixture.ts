import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { AlertMonitor } from '../../../main/core/alerts/alert-monitor.js';
import { alertSettings } from '../../../main/core/alerts/alert-config.js';
import type { AlertSettingsInput } from '../../../main/core/alerts/alert-config.js';
import { runRecord } from '../../../main/core/model/run.js';
import type { RunRecord } from '../../../main/core/model/run.js';
import type { Cipher } from '../../../main/core/store/cipher.js';
import { PlaintextCipher } from '../../../main/core/store/cipher-plaintext.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { run } from '../store/run-record-fixtures.js';
import type { RunRecordInput } from '../../../main/core/store/run-records.js';

export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'crontray-alerts-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A monitor over a real folder, a plaintext cipher and a virtual clock. */
export async function openMonitor(
  dir: string,
  clock: VirtualClock,
  secrets: Record<string, string[]> = {},
  cipher: Cipher = new PlaintextCipher(),
): Promise<AlertMonitor> {
  const monitor = new AlertMonitor({
    dir: join(dir, 'alerts'),
    cipher,
    clock,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    taskSecrets: async (taskId) => secrets[taskId] ?? [],
  });
  await monitor.open();
  return monitor;
}

/** Alert settings with one generic webhook ('hook'), the default for every task. */
export function webhookSettings(
  url: string,
  extra: Partial<AlertSettingsInput> = {},
  channel: { headers?: { name: string; value: string }[]; timeoutMs?: number } = {},
) {
  return alertSettings.parse({
    channels: [{ id: 'hook', name: 'Team hook', kind: 'webhook', url, ...channel }],
    defaultChannels: ['hook'],
    ...extra,
  });
}

let seq = 0;

/** A finished run record of task-1 ("nightly"), at the clock's time, lasting `durationMs`. */
export function finished(
  clock: VirtualClock,
  status: RunRecord['status'],
  overrides: Partial<RunRecordInput> = {},
  durationMs = 1000,
): RunRecord {
  const end = clock.now();
  return runRecord.parse(
    run({
      runId: `run-${++seq}`,
      status,
      scheduledFor: end - durationMs,
      startedAt: end - durationMs,
      endedAt: end,
      ...overrides,
    }),
  );
}

export { VirtualClock };

/** A temp folder, a virtual clock at T0 and an open monitor for each test; closed after it. */
export function useMonitor(secrets: Record<string, string[]> = {}) {
  const ctx = {} as {
    dir: string;
    clock: VirtualClock;
    monitor: AlertMonitor;
    remove: () => Promise<void>;
  };
  beforeEach(async () => {
    const d = await tempDir();
    ctx.dir = d.dir;
    ctx.remove = () => d.remove();
    ctx.clock = new VirtualClock(T0);
    ctx.monitor = await openMonitor(d.dir, ctx.clock, secrets);
  });
  afterEach(async () => {
    await ctx.monitor.close();
    await ctx.remove();
  });
  return ctx;
}
