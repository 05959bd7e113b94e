import type { TaskView } from '../../api/contract.js';
import type { StoredTask } from '../model/task.js';
import type { TaskInfo } from '../schedule/task-inputs.js';
import type { CoreParts } from './core-parts.js';
import { composeTaskView, lastRunOf } from './task-view.js';

/** What a cached view was made from: when all of it is unchanged, so is the view. */
interface CachedView {
  task: Readonly<StoredTask>;
  enabled: boolean | undefined;
  lastDueAt: number | null | undefined;
  cycles: number | undefined;
  nextDueAt: number | null | undefined;
  active: number | undefined;
  waitingFor: string | null | undefined;
  locked: string | null;
  /** JobCache's version of the task's run folder when lastRun was looked up. */
  runs: number;
  view: Readonly<TaskView>;
}

function byPlace(a: Readonly<StoredTask>, b: Readonly<StoredTask>): number {
  return (
    a.project.localeCompare(b.project) ||
    a.group.localeCompare(b.group) ||
    a.name.localeCompare(b.name)
  );
}

/**
 * tasks:list without rebuilding 1,000 views per call: each task's view is kept with what it
 * was made from (the stored task object, which the store replaces on every change, the
 * engine's bookkeeping and next due time, the lock, and the version of the task's run folder)
 * and rebuilt only when one of those moved. Views are frozen: a transport may keep their
 * serialized form for as long as the object lives (see the headless transport).
 */
export class TaskListView {
  readonly #views = new Map<string, CachedView>();
  #order: { from: readonly Readonly<StoredTask>[]; sorted: Readonly<StoredTask>[] } | undefined;

  list(parts: CoreParts, filter?: { project?: string; group?: string }): TaskView[] {
    const out: TaskView[] = [];
    for (const task of this.#sorted(parts.store.viewTasks())) {
      if (filter?.project && task.project !== filter.project) continue;
      if (filter?.group && task.group !== filter.group) continue;
      out.push(this.#view(parts, task));
    }
    return out;
  }

  /** Sorted by project, group and name; sorted again only when a stored task was replaced, added or removed. */
  #sorted(tasks: readonly Readonly<StoredTask>[]): Readonly<StoredTask>[] {
    const known = this.#order;
    if (known && known.from.length === tasks.length && known.from.every((t, i) => t === tasks[i]))
      return known.sorted;
    const sorted = tasks.slice().sort(byPlace);
    this.#order = { from: tasks, sorted };
    const live = new Set(tasks.map((t) => t.id));
    for (const id of this.#views.keys()) if (!live.has(id)) this.#views.delete(id);
    return sorted;
  }

  #view(parts: CoreParts, task: Readonly<StoredTask>): TaskView {
    const info: TaskInfo<string> | undefined = parts.engine.get(task.id);
    const locked = parts.locked.get(task.id) ?? null;
    const runs = parts.jobs.taskVersion(task.project, task.group, task.name);
    const known = this.#views.get(task.id);
    if (
      known &&
      known.task === task &&
      known.enabled === info?.definition.enabled &&
      known.lastDueAt === info?.lastDueAt &&
      known.cycles === info?.cycles &&
      known.nextDueAt === info?.nextDueAt &&
      known.active === (info ? info.running + info.queued : undefined) &&
      known.waitingFor === info?.waitingFor &&
      known.locked === locked &&
      known.runs === runs
    )
      return known.view;
    // Lists leave actions out: the table never shows them, and 1,000 decryptions per refresh add up.
    const view = Object.freeze(composeTaskView(task, info, lastRunOf(parts, task), locked, null));
    this.#views.set(task.id, {
      task,
      enabled: info?.definition.enabled,
      lastDueAt: info?.lastDueAt,
      cycles: info?.cycles,
      nextDueAt: info?.nextDueAt,
      active: info ? info.running + info.queued : undefined,
      waitingFor: info?.waitingFor,
      locked,
      runs,
      view,
    });
    return view;
  }
}
