import type { Logger } from '../log/logger.js';
import type { RunRecordInput } from '../store/run-records.js';
import { instantRunId } from './catch-up-plan.js';
import { heldAt, notRunFields } from './cluster-hold.js';
import type { ClusterHold } from './cluster-hold.js';
import { nextTickAfter } from './cluster-schedule.js';
import type { ClusterTaskDefinition } from './cluster-task.js';
import type { ClusterRunSink } from './results-consumer.js';
import { writeRecord } from './results-consumer.js';

/** Misses recorded one by one per task and outage; a longer outage is logged, not listed. */
const LISTED_PER_TASK = 200;

/**
 * While Redis is unreachable no worker can run anything, so each cluster task's due times are
 * recorded 'missed' once the grace period has passed: history and the dead man's switch see the
 * gap as it happens. Ids are those a worker gives the same miss, so a miss is one record.
 */
export class MissedWhileDown {
  readonly #sink: ClusterRunSink;
  readonly #tasks: () => ClusterTaskDefinition[];
  readonly #graceMs: number;
  readonly #logger: Logger;
  readonly #onRecord: (record: RunRecordInput) => void;
  readonly #hold: () => ClusterHold | null;
  #timer: NodeJS.Timeout | null = null;
  #since = 0;
  readonly #checkedThrough = new Map<string, number>();
  readonly #listed = new Map<string, number>();

  constructor(
    sink: ClusterRunSink,
    tasks: () => ClusterTaskDefinition[],
    graceMs: number,
    logger: Logger,
    onRecord: (record: RunRecordInput) => void,
    hold: () => ClusterHold | null = () => null,
  ) {
    this.#sink = sink;
    this.#tasks = tasks;
    this.#graceMs = graceMs;
    this.#logger = logger;
    this.#onRecord = onRecord;
    this.#hold = hold;
  }

  start(now = Date.now()): void {
    if (this.#timer !== null) return;
    this.#since = now;
    this.#checkedThrough.clear();
    this.#listed.clear();
    this.#timer = setInterval(() => {
      this.check().catch((error: unknown) =>
        this.#logger.warn(`Cluster: could not record missed runs: ${String(error)}`),
      );
    }, 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Records what fell due more than the grace period ago and was not recorded yet. */
  async check(now = Date.now()): Promise<void> {
    const through = now - this.#graceMs;
    for (const def of this.#tasks()) {
      const { task } = def;
      if (task.schedule.kind === 'routine') continue;
      const timing = {
        schedule: task.schedule,
        timezone: task.timezone ?? null,
        createdAt: task.createdAt,
      };
      let after = this.#checkedThrough.get(task.id) ?? this.#since;
      let at = nextTickAfter(timing, after);
      while (at !== null && at <= through) {
        const listed = this.#listed.get(task.id) ?? 0;
        if (listed < LISTED_PER_TASK) {
          const record: RunRecordInput = {
            runId: instantRunId(task.id, at),
            taskId: task.id,
            project: task.project,
            group: task.group,
            name: task.name,
            ...notRunFields(
              heldAt(this.#hold(), at),
              `Missed: due ${new Date(at).toISOString()} while Redis was unreachable (since ${new Date(this.#since).toISOString()}).`,
            ),
            trigger: 'schedule',
            scheduledFor: at,
            startedAt: null,
            endedAt: now,
          };
          await writeRecord(this.#sink, record);
          this.#onRecord(record);
        } else if (listed === LISTED_PER_TASK) {
          this.#logger.warn(
            `Cluster: task '${task.name}' has missed more than ${LISTED_PER_TASK} runs while Redis is unreachable; further misses are not listed`,
          );
        }
        this.#listed.set(task.id, listed + 1);
        after = at;
        at = nextTickAfter(timing, at);
      }
      this.#checkedThrough.set(task.id, after);
    }
  }
}
