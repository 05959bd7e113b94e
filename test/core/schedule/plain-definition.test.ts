import { describe, it, expect } from 'vitest';
import { taskDefinition } from '../../../main/core/model/task.js';
import type { TaskDefinitionInput } from '../../../main/core/model/task.js';
import { plainCronDefinition } from '../../../main/core/schedule/plain-definition.js';
import { makeScheduler } from './scheduler-fixture.js';

const cron = (pattern: string, dayMatch?: 'or' | 'and') =>
  dayMatch === undefined
    ? { kind: 'cron' as const, pattern }
    : { kind: 'cron' as const, pattern, dayMatch };

describe('the definition of a plain cron task', () => {
  const plain: TaskDefinitionInput[] = [
    { name: 'backup', schedule: cron('0 5 * * 1-5') },
    {
      name: 'b.2_x-y z',
      project: 'home',
      group: 'nightly',
      schedule: cron('*/5 * * * * *', 'and'),
    },
    { name: 'zoned', timezone: 'Europe/Berlin', schedule: cron('0 0 1 * *', 'or') },
    {
      name: 'given undefined',
      timezone: undefined,
      triggers: undefined,
      conditions: undefined,
      schedule: cron('1 2 3 * * *'),
    },
    { name: 'default policy', priority: undefined, schedule: cron('0 0 * * *') },
  ];

  it('is what the schema makes of it, field for field and in the same order', () => {
    for (const input of plain) {
      const fast = plainCronDefinition(input);
      const schema = taskDefinition.parse(input);
      expect(fast).toStrictEqual(schema);
      expect(Object.keys(fast ?? {})).toEqual(Object.keys(schema));
    }
  });

  it('leaves to the schema whatever it would change, refuse or fill in from given policies', () => {
    const others: TaskDefinitionInput[] = [
      { name: ' padded', schedule: cron('0 5 * * *') },
      { name: 'x', schedule: cron(' 0 5 * * * ') },
      { name: 'a..b', schedule: cron('0 5 * * *') },
      { name: 'x', schedule: cron('') },
      { name: 'x', priority: 5, schedule: cron('0 5 * * *') },
      { name: 'x', schedule: { kind: 'interval', everyMs: 1000 } },
      { name: 'x', triggers: { jitterSec: 5 }, schedule: cron('0 5 * * *') },
      { name: 'x', conditions: { acPower: true }, schedule: cron('0 5 * * *') },
    ];
    for (const input of others) expect(plainCronDefinition(input)).toBeNull();
  });

  it('keeps a task with default policies independent of another one changed later', async () => {
    const { scheduler } = makeScheduler();
    const a = await scheduler.scheduleCron({ name: 'a', pattern: '0 5 * * *', action: () => 1 });
    const b = await scheduler.scheduleCron({ name: 'b', pattern: '0 6 * * *', action: () => 1 });
    await scheduler.update(a, { catchUp: { policy: 'all', cap: 3 } });
    expect(scheduler.get(a)?.definition.catchUp).toEqual({ policy: 'all', cap: 3, deadlineMs: 0 });
    expect(scheduler.get(b)?.definition.catchUp).toEqual({
      policy: 'none',
      cap: 10,
      deadlineMs: 0,
    });
  });
});
