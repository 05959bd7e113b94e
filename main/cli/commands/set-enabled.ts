import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { emit } from '../output.js';
import { findTask } from '../task-lookup.js';

/** `enable` and `disable` differ only in the channel and the words. */
function setEnabledCommand(enable: boolean): Command {
  const name = enable ? 'enable' : 'disable';
  return {
    name,
    summary: enable
      ? 'let a task run on its schedule again'
      : 'stop a task from running on its schedule',
    usage: `crontray ${name} NAME`,
    details: 'NAME is a task name, project/name, project/group/name or a task id.',
    positionals: ['NAME'],
    required: 1,
    async run(context) {
      const api = await context.api();
      const task = await findTask(api, context.positionals[0] ?? '');
      const view = await api.call(enable ? 'tasks:enable' : 'tasks:disable', { id: task.id });
      emit(
        context,
        view,
        () =>
          `${view.project}/${view.group}/${view.name} is ${view.enabled ? 'enabled' : 'disabled'}.`,
      );
      return EXIT.ok;
    },
  };
}

export const enableCommand = setEnabledCommand(true);
export const disableCommand = setEnabledCommand(false);
