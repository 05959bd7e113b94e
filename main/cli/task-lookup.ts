import type { TaskView } from '../api/contract.js';
import type { CliApi } from './api-client.js';
import { CliFailure, EXIT } from './exit-codes.js';

/**
 * Finds the task a NAME means: `name`, `project/name`, `project/group/name`, or its id. A name
 * used in several projects must be given with its project (the message lists them).
 */
export async function findTask(api: CliApi, ref: string): Promise<TaskView> {
  const tasks = await api.call('tasks:list');
  const parts = ref.split('/');
  const matches = tasks.filter((t) => {
    if (t.id === ref) return true;
    if (parts.length === 1) return t.name === ref;
    if (parts.length === 2) return t.project === parts[0] && t.name === parts[1];
    return t.project === parts[0] && t.group === parts[1] && t.name === parts[2];
  });
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length === 0) {
    throw new CliFailure(
      `No task named '${ref}'. 'crontray list' shows every task's name.`,
      EXIT.notFound,
      'not-found',
    );
  }
  const names = matches.map((t) => `${t.project}/${t.group}/${t.name}`).join(', ');
  throw new CliFailure(
    `'${ref}' names ${matches.length} tasks (${names}); give it as project/group/name.`,
    EXIT.usage,
    'ambiguous',
  );
}
