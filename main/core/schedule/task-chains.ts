import type { RunRecord, RunRef, RunStatus } from '../model/run.js';
import type { ChainWhen } from '../model/triggers.js';
import type { TaskDefinition } from '../model/task.js';
import { checkChains } from './chain-check.js';
import type { RegisteredTask } from './task-registry.js';

/** At most this much of the parent's output (its stdout's last characters) is given to a child. */
export const PARENT_OUTPUT_TAIL_CHARS = 2048;

/** The parent run a chained run follows, as its action is told (env vars, an HTTP body field). */
export interface ChainParent extends RunRef {
  status: RunStatus;
  /** The last characters of the parent's stdout ('' when it had none). */
  outputTail: string;
}

/**
 * A chained run decided but not started yet: the child task, the run id it will have (fixed now,
 * so after a crash the history tells whether it started), its parent, and when it was decided.
 */
export interface ChainStart {
  /** The child's task and the run id it will have. */
  child: RunRef;
  parent: ChainParent;
  at: number;
}

/** A chained run to submit now: its task and its start. */
export interface ChainedRun<TAction> {
  task: RegisteredTask<TAction>;
  start: ChainStart;
}

/**
 * Where the engine keeps chained runs between the parent's end and the child's final record, so
 * a crash in between neither loses nor repeats the child. `add` completes before the parent's
 * final record is written; `done` runs after the child's final record is written.
 */
export interface ChainJournal {
  add(starts: readonly ChainStart[]): Promise<void>;
  done(childRunId: string): Promise<void>;
}

/** Keeps nothing: a crash between a parent and its child loses the child. */
export const nullChainJournal: ChainJournal = {
  add: async () => {},
  done: async () => {},
};

/** Whether a parent's run that ended `status` starts a child that runs after it on `when`. */
export function chainMatches(when: ChainWhen, status: RunStatus): boolean {
  const failed = status === 'failed' || status === 'timed-out';
  if (when === 'success') return status === 'succeeded';
  if (when === 'failure') return failed;
  return failed || status === 'succeeded';
}

/**
 * Who runs after whom: the followers of each task by the parent's id. Tasks without chains are
 * never in it, and a finished run of a task nobody follows costs one map lookup.
 */
export class TaskChains<TAction> {
  readonly #followers = new Map<string, Set<RegisteredTask<TAction>>>();
  /** Tasks with links indexed: only these are looked for on a change or removal. */
  readonly #linked = new Set<RegisteredTask<TAction>>();

  /**
   * Refuses links that would loop. Tasks registered later may close none: each is checked when
   * it comes, and parents not registered yet are allowed (after a restart they come one by one).
   */
  check(
    id: string,
    def: TaskDefinition,
    get: (taskId: string) => RegisteredTask<TAction> | undefined,
  ): void {
    if (def.triggers === undefined || def.triggers.after.length === 0) return;
    checkChains(
      id,
      def,
      (taskId) => {
        const other = get(taskId)?.def;
        return other && { name: other.name, after: other.triggers?.after ?? [] };
      },
      false,
    );
  }

  /** Indexes a task's links: after registering it, or after a change (unindex before it). */
  index(task: RegisteredTask<TAction>): void {
    this.unindex(task);
    const after = task.def.triggers?.after;
    if (after === undefined || after.length === 0) return;
    this.#linked.add(task);
    for (const link of after) {
      let set = this.#followers.get(link.taskId);
      if (!set) this.#followers.set(link.taskId, (set = new Set()));
      set.add(task);
    }
  }

  unindex(task: RegisteredTask<TAction>): void {
    if (!this.#linked.delete(task)) return;
    for (const link of task.def.triggers?.after ?? []) {
      const set = this.#followers.get(link.taskId);
      if (set?.delete(task) && set.size === 0) this.#followers.delete(link.taskId);
    }
  }

  /**
   * The chained runs a parent's final attempt starts: one per enabled follower whose link
   * matches the status. Empty for a task nobody follows.
   */
  startsAfter(record: RunRecord, now: number, newId: () => string): ChainedRun<TAction>[] {
    const set = this.#followers.get(record.taskId);
    if (set === undefined) return [];
    const out: ChainedRun<TAction>[] = [];
    for (const task of set) {
      if (!task.def.enabled || task.removed) continue;
      const link = task.def.triggers?.after.find((l) => l.taskId === record.taskId);
      if (!link || !chainMatches(link.when, record.status)) continue;
      const { project, group, name } = task.def;
      const child = { runId: newId(), taskId: task.id, project, group, name };
      out.push({ task, start: { child, parent: parentOf(record), at: now } });
    }
    return out;
  }
}

function parentOf(record: RunRecord): ChainParent {
  const out = record.stdout;
  // Output that fit whole is head then tail; with bytes dropped between them, the tail is the end.
  const tail = out === null ? '' : out.truncated ? out.tail : out.head + out.tail;
  return {
    runId: record.runId,
    taskId: record.taskId,
    project: record.project,
    group: record.group,
    name: record.name,
    status: record.status,
    outputTail:
      tail.length > PARENT_OUTPUT_TAIL_CHARS ? tail.slice(-PARENT_OUTPUT_TAIL_CHARS) : tail,
  };
}
