/** What the engine must remember about a task across restarts to work out missed runs. */
export interface TaskState {
  /** The due time of the last trigger handled (run, skipped or missed); null before the first. */
  lastDueAt: number | null;
  /** Scheduled cycles run so far, for interval and routine maxCycles. */
  cycles: number;
}

/**
 * Where the engine keeps {@link TaskState} (the task store in the app). `get` is read when a task
 * is registered without explicit bookkeeping; `set` is called after every change and may be
 * async: a failing `set` is logged, never fatal.
 */
export interface TaskStateStore {
  get(taskId: string): TaskState | undefined;
  set(taskId: string, state: TaskState): Promise<void> | void;
  /** Called when a task is unscheduled. */
  delete?(taskId: string): Promise<void> | void;
}

/** Keeps task state in memory; hand the same instance to a new scheduler to simulate a restart. */
export class MemoryTaskStateStore implements TaskStateStore {
  readonly #states = new Map<string, TaskState>();

  constructor(initial: Record<string, TaskState> = {}) {
    for (const [id, state] of Object.entries(initial)) this.#states.set(id, { ...state });
  }

  get(taskId: string): TaskState | undefined {
    const s = this.#states.get(taskId);
    return s ? { ...s } : undefined;
  }

  set(taskId: string, state: TaskState): void {
    this.#states.set(taskId, { ...state });
  }

  delete(taskId: string): void {
    this.#states.delete(taskId);
  }
}
