import { z } from 'zod';
import { taskName, projectName, groupName } from '../../core/model/names.js';
import { timezoneSchema } from '../../core/model/task.js';
import { importedTaskName } from '../../core/transfer/import-name.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import { emit } from '../output.js';

const USAGE =
  'crontray add --cron PATTERN [--zone ZONE] [--name NAME] [--project P] [--group G] [--disabled] -- COMMAND [ARGS…]';

const flags = z.object({
  cron: z
    .string({ error: '--cron PATTERN is required' })
    .trim()
    .min(1, '--cron PATTERN is required'),
  zone: timezoneSchema.optional(),
  name: taskName.optional(),
  project: projectName.optional(),
  group: groupName.optional(),
});

export const addCommand: Command = {
  name: 'add',
  summary: 'add a task that runs a command on a cron pattern',
  usage: USAGE,
  details:
    'The command after -- is started directly (no shell), with its arguments as given. Without --name the task is named after the program plus a short hash of the pattern and command, so adding the same thing twice changes nothing.',
  options: {
    cron: { type: 'string' },
    zone: { type: 'string' },
    name: { type: 'string' },
    project: { type: 'string' },
    group: { type: 'string' },
    disabled: { type: 'boolean' },
  },
  positionals: ['COMMAND', 'ARGS...'],
  required: 1,
  async run(context) {
    const parsed = flags.safeParse(context.values);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0] === undefined ? '' : `--${String(issue.path[0])}: `;
      throw usageError(`${field}${issue?.message ?? 'invalid'}`, USAGE);
    }
    const [program = '', ...args] = context.positionals;
    const { cron, zone, name, project, group } = parsed.data;
    const view = await (
      await context.api()
    ).call('tasks:create', {
      name: name ?? importedTaskName(cron, [program, ...args].join(' '), null),
      ...(project ? { project } : {}),
      ...(group ? { group } : {}),
      ...(zone ? { timezone: zone } : {}),
      enabled: context.values.disabled !== true,
      schedule: { kind: 'cron', pattern: cron },
      action: { kind: 'shell', mode: 'exec', program, args },
    });
    emit(
      context,
      view,
      () => `Added ${view.project}/${view.group}/${view.name}: ${view.scheduleText}.`,
    );
    return EXIT.ok;
  },
};
