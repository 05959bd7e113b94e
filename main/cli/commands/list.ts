import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { emit, table, when } from '../output.js';

export const listCommand: Command = {
  name: 'list',
  summary: 'every task with its schedule, state, next and last run',
  usage: 'crontray list [--project P]',
  options: { project: { type: 'string' } },
  positionals: [],
  required: 0,
  async run(context) {
    const api = await context.api();
    const project = context.values.project;
    const tasks = await api.call(
      'tasks:list',
      typeof project === 'string' ? { project } : undefined,
    );
    const now = Date.now();
    emit(context, tasks, () =>
      tasks.length === 0
        ? "No tasks yet. Add one with 'crontray add' or 'crontray import'."
        : table(
            ['NAME', 'PROJECT/GROUP', 'ENABLED', 'NEXT', 'LAST', 'SCHEDULE'],
            tasks.map((t) => [
              t.name,
              `${t.project}/${t.group}`,
              t.locked ? 'locked' : t.enabled ? 'yes' : 'no',
              when(t.nextRunAt, now),
              t.lastRun ? `${t.lastRun.status} ${when(t.lastRun.startedAt, now)}` : '-',
              t.scheduleText,
            ]),
          ),
    );
    return EXIT.ok;
  },
};
