import type { TaskDefinition } from '../model/task.js';
import { checkChains } from '../schedule/chain-check.js';
import type { CoreParts } from './core-parts.js';
import { engineError } from './engine-errors.js';
import { ServiceError } from './service-error.js';

/**
 * At save: each task a task runs after exists (config.json is the list, so a task deleted or
 * never made is refused naming the field), and no chain loops (spelled out with the names).
 */
export function checkChainLinks(parts: CoreParts, id: string | null, def: TaskDefinition): void {
  if (def.triggers === undefined || def.triggers.after.length === 0) return;
  try {
    checkChains(
      id,
      def,
      (taskId) => {
        const task = parts.store.getTask(taskId);
        return task && { name: task.name, after: task.triggers?.after ?? [] };
      },
      true,
    );
  } catch (error) {
    throw engineError(error);
  }
}

/**
 * Deleting a task others run after is refused with their names: unlinking them silently would
 * change what they do, and a chain to a deleted task could never run.
 */
export function refuseDeletingFollowed(parts: CoreParts, id: string): void {
  const followers = parts.store
    .viewTasks()
    .filter((t) => t.id !== id && t.triggers?.after.some((l) => l.taskId === id) === true);
  if (followers.length === 0) return;
  const name = parts.store.getTask(id)?.name ?? id;
  const names = followers.map((t) => `'${t.name}'`).join(', ');
  throw new ServiceError(
    'conflict',
    `'${name}' cannot be deleted: ${names} ${followers.length === 1 ? 'runs' : 'run'} after it. Remove '${name}' from their "Run after" triggers first, then delete it.`,
  );
}
