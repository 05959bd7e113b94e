import { describe, expect, it } from 'vitest';
import { MissedWhileDown } from '../../../main/core/cluster/missed-while-down.js';
import type { RunRecord } from '../../../main/core/model/run.js';
import { silentLogger } from '../../../main/core/log/logger.js';
import { clusterTask } from './cluster-fixtures.js';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const GRACE = 500;

describe('due times while Redis is unreachable', () => {
  it('are recorded missed, except inside "Do not run until …", where they read as skipped with its sentence', async () => {
    const records: RunRecord[] = [];
    const hold = { from: T0 + 2000, until: T0 + 4000, reason: 'Held: do not run until 09:00:04.' };
    const down = new MissedWhileDown(
      { write: (record) => void records.push(record) },
      () => [clusterTask({ id: 'beat' })],
      GRACE,
      silentLogger,
      () => undefined,
      () => hold,
    );
    down.start(T0);
    await down.check(T0 + 5000 + GRACE);
    down.stop();
    expect(records.map((r) => [r.scheduledFor! - T0, r.status, r.skipReason])).toEqual([
      [1000, 'missed', undefined],
      [2000, 'skipped', 'do-not-run-until'],
      [3000, 'skipped', 'do-not-run-until'],
      [4000, 'missed', undefined],
      [5000, 'missed', undefined],
    ]);
    expect(records[1]?.error).toBe(hold.reason);
    expect(records[0]?.error).toMatch(/^Missed: due .* while Redis was unreachable/);
  });
});
