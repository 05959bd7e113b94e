import type { RunRecord } from '../model/run.js';
import type { TaskDefinition } from '../model/task.js';

/**
 * The Run-now memo: each task's last successful run, kept only for tasks with a result cache
 * policy, so Run now can answer from a young enough result instead of running the action again.
 * Held in memory; after a restart the host gives it back from the run records
 * (`TaskScheduler.rememberResult`), which are the durable copy.
 */
export class LastResult {
  readonly #byTask = new Map<string, { at: number; record: RunRecord }>();

  /** Keeps a succeeded run that ended at `at` as the task's latest. */
  remember(taskId: string, at: number, record: RunRecord): void {
    this.#byTask.set(taskId, { at, record });
  }

  /**
   * The remembered record when the task's policy allows reusing it at `now`: younger than
   * `toleranceSeconds` (default the policy's) and than the policy's expiry. Else null.
   */
  recall(
    taskId: string,
    policy: TaskDefinition['resultCache'],
    now: number,
    toleranceSeconds?: number,
  ): RunRecord | null {
    const known = this.#byTask.get(taskId);
    if (!policy || !known) return null;
    const tolerance = (toleranceSeconds ?? policy.toleranceSeconds) * 1000;
    const age = now - known.at;
    return age <= tolerance && age <= policy.expireMs ? known.record : null;
  }

  /** When the run ended that is remembered for the task, else null. */
  endedAt(taskId: string): number | null {
    return this.#byTask.get(taskId)?.at ?? null;
  }

  forget(taskId: string): void {
    this.#byTask.delete(taskId);
  }
}
