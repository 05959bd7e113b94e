import type { TaskDefinition } from '../model/task.js';
import { SchedulerError } from './scheduler-error.js';

/** What the loop check needs of another task: its name and whom it runs after. */
export interface ChainNode {
  name: string;
  after: readonly { taskId: string }[];
}

/**
 * Refuses chains that cannot work: a task listed twice, a task that does not exist (when
 * `requireKnown`: at save; the engine registers tasks one by one after a restart, so a parent may
 * come later), and a loop, spelled out in run order with the tasks' names.
 */
export function checkChains(
  id: string | null,
  def: TaskDefinition,
  lookup: (taskId: string) => ChainNode | undefined,
  requireKnown: boolean,
): void {
  const after = def.triggers?.after ?? [];
  const seen = new Set<string>();
  after.forEach((link, i) => {
    const field = `triggers.after.${i}.taskId`;
    if (seen.has(link.taskId)) refuse(field, 'each task is listed once: remove the repeated one');
    seen.add(link.taskId);
    if (requireKnown && link.taskId !== id && lookup(link.taskId) === undefined)
      refuse(
        field,
        `there is no task with id '${link.taskId}' (it may have been deleted): choose another task`,
      );
  });
  if (id === null) return;
  const self: ChainNode = { name: def.name, after };
  const node = (taskId: string): ChainNode | undefined => (taskId === id ? self : lookup(taskId));
  const loop = findLoop(id, node);
  if (loop === null) return;
  const index = after.findIndex((l) => l.taskId === loop[loop.length - 2]);
  const names = loop.map((t) => `'${node(t)?.name ?? t}'`).join(' → ');
  refuse(
    `triggers.after.${Math.max(index, 0)}.taskId`,
    `${names} would run forever: each would start the next again; remove one of these links`,
  );
}

/**
 * A path of task ids in run order from `id` back to `id` (each starts the next), or null. Walks
 * up the "runs after" links depth first; each task is visited once, so a large graph stays linear.
 */
function findLoop(id: string, node: (taskId: string) => ChainNode | undefined): string[] | null {
  const visited = new Set<string>();
  // path[k + 1] is a task path[k] runs after; reaching `id` again closes a loop.
  const walk = (current: string, path: string[]): string[] | null => {
    for (const link of node(current)?.after ?? []) {
      if (link.taskId === id) return [...path, id];
      if (visited.has(link.taskId)) continue;
      visited.add(link.taskId);
      const found = walk(link.taskId, [...path, link.taskId]);
      if (found) return found;
    }
    return null;
  };
  const upward = walk(id, [id]);
  // Upward is "runs after"; run order is the reverse.
  return upward === null ? null : upward.reverse();
}

function refuse(field: string, message: string): never {
  throw new SchedulerError('invalid', message, {
    field,
    message: `TaskScheduler: ${field}: ${message}`,
  });
}
