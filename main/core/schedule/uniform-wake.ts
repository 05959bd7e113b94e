import type { SchedulerNode } from './due-handler.js';

/**
 * The instant a wake is uniform at: every node due by `now` is due at that one instant, none is
 * a retry, and its tasks have no triggers and one priority. Then the heap gives the tasks in
 * start order (priority, then due time, then arrival), and each run may start as soon as its
 * task is handled instead of after all are planned and sorted. Null otherwise.
 *
 * `nodes` is the heap's array: the nodes due by `now` are a subtree at its root, so only they
 * and their children are visited.
 */
export function uniformDueAt<TAction>(
  nodes: readonly SchedulerNode<TAction>[],
  now: number,
): number | null {
  const at = nodes[0]?.dueAt;
  if (at === undefined || at > now) return null;
  let priority: number | null = null;
  const stack = [0];
  for (let i = stack.pop(); i !== undefined; i = stack.pop()) {
    const node = nodes[i];
    if (node === undefined || node.dueAt > now) continue;
    if (node.dueAt !== at || node.kind === 'retry') return null;
    if (node.kind === 'task') {
      const p = node.def.priority;
      if (node.triggers !== null || (priority !== null && p !== priority)) return null;
      priority = p;
    }
    stack.push(2 * i + 1, 2 * i + 2);
  }
  return at;
}
