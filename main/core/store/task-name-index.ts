import type { StoredTask } from '../model/task.js';

type Named = Pick<StoredTask, 'id' | 'name' | 'project' | 'group'>;

const keyOf = (t: Omit<Named, 'id'>): string => `${t.project}\u0000${t.group}\u0000${t.name}`;

/**
 * Task ids by project, group and name, so creating the 1,000th task does not read the other 999
 * twice (the twin check and the name check). Names are meant to be unique in a group, but a
 * hand-edited config.json may hold two, so each name keeps a set of ids.
 */
export class TaskNameIndex {
  readonly #ids = new Map<string, Set<string>>();

  constructor(tasks: Iterable<Named>) {
    for (const task of tasks) this.add(task);
  }

  add(task: Named): void {
    const key = keyOf(task);
    let ids = this.#ids.get(key);
    if (!ids) this.#ids.set(key, (ids = new Set()));
    ids.add(task.id);
  }

  remove(task: Named): void {
    const key = keyOf(task);
    const ids = this.#ids.get(key);
    ids?.delete(task.id);
    if (ids?.size === 0) this.#ids.delete(key);
  }

  /** Ids of the tasks with this name in this project and group (usually none or one). */
  find(name: Omit<Named, 'id'>): ReadonlySet<string> {
    return this.#ids.get(keyOf(name)) ?? new Set();
  }
}
