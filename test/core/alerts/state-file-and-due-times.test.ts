import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WatchedTask } from '../../../main/core/alerts/dead-man-switch.js';
import { DeadManSwitch } from '../../../main/core/alerts/dead-man-switch.js';
import { IncidentBook } from '../../../main/core/alerts/incident-book.js';
import { taskDefinition } from '../../../main/core/model/task.js';
import { TriggerPlan } from '../../../main/core/schedule/trigger-plan.js';
import { T0, VirtualClock, tempDir } from './monitor-fixture.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const daily: WatchedTask = {
  task: { id: 'task-1', name: 'nightly', project: 'home', group: 'backups' },
  schedule: { kind: 'cron', pattern: '0 0 3 * * *', dayMatch: 'or' },
  timezone: 'UTC',
  createdAt: T0,
  enabled: true,
};

describe('the alerts state file', () => {
  it('is written when something in it changed and left alone when nothing did', async () => {
    const tmp = await tempDir();
    const dir = tmp.dir;
    const clock = new VirtualClock(T0);
    const path = join(dir, 'state.json');
    try {
      const book = new IncidentBook({ path, clock, logger: quiet });
      const rules = () => ({ enabled: true, graceMs: 60_000, expect: 'run' as const });
      const sw = new DeadManSwitch({ clock, book, rules, onMissed: () => undefined });
      sw.upsert(daily);
      await book.flush();
      const first = (await stat(path)).mtimeMs;

      // Hours of checks with no due time passing, and flushes on top: the file stays as it was.
      await new Promise((r) => setTimeout(r, 20));
      for (let i = 0; i < 10; i++) {
        await clock.advance(60_000);
        sw.check();
        book.setWatch('task-1', { ...book.watch('task-1') });
        await book.flush();
      }
      expect((await stat(path)).mtimeMs).toBe(first);

      // A failure counted is a change: it is written.
      book.setWatch('task-1', { ...book.watch('task-1'), consecutiveFailures: 1 });
      await book.flush();
      expect((await stat(path)).mtimeMs).toBeGreaterThan(first);
      const reopened = new IncidentBook({ path, clock, logger: quiet });
      await reopened.load();
      expect(reopened.watch('task-1').consecutiveFailures).toBe(1);
      sw.close();
    } finally {
      await tmp.remove();
    }
  });
});

describe("the dead man's switch's due times", () => {
  it("expects the runs of a task's other schedules, and none that its quiet window skips", async () => {
    const tmp = await tempDir();
    const clock = new VirtualClock(T0); // 09:00 UTC
    try {
      const book = new IncidentBook({ path: join(tmp.dir, 'state.json'), clock, logger: quiet });
      const missed: number[] = [];
      const sw = new DeadManSwitch({
        clock,
        book,
        rules: () => ({ enabled: true, graceMs: 60_000, expect: 'run' }),
        onMissed: (_t, dueAt) => missed.push(dueAt),
      });
      const def = taskDefinition.parse({
        name: 'nightly',
        schedule: daily.schedule,
        timezone: 'UTC',
        triggers: {
          schedules: [
            { schedule: { kind: 'cron', pattern: '0 30 9 * * *' } },
            { schedule: { kind: 'cron', pattern: '0 0 10 * * *' } },
          ],
          quiet: { windows: [{ kind: 'daily', from: '09:50', to: '10:10' }], policy: 'skip' },
        },
      });
      sw.upsert({ ...daily, plan: TriggerPlan.of(def, 'task-1') });
      sw.check();
      // Nothing starts: 09:30 is missed; 10:00 falls in the quiet window and is not expected.
      await clock.advance(2 * 3600_000);
      expect(missed).toEqual([T0 + 30 * 60_000]);
      sw.close();
    } finally {
      await tmp.remove();
    }
  });
});
