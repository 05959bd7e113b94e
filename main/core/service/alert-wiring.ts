import { join } from 'node:path';
import { secretValuesOf } from '../actions/redaction.js';
import type { ActionRunner } from '../actions/runner.js';
import { AlertMonitor } from '../alerts/alert-monitor.js';
import type { WatchedTask } from '../alerts/dead-man-switch.js';
import { applyOutputRules } from '../alerts/output-rules.js';
import type { Logger } from '../log/logger.js';
import type { StoredTask } from '../model/task.js';
import type { RunSink } from '../schedule/run-sink.js';
import { TriggerPlan } from '../schedule/trigger-plan.js';
import type { Cipher } from '../store/cipher.js';
import type { TaskStore } from '../store/task-store.js';
import type { Vault } from '../store/vault.js';
import type { Clock } from '../time/clock.js';
import type { EventHub } from './event-hub.js';
import type { Notice } from './run-pipeline.js';

/**
 * Alerts as the service uses them: the monitor, plus the rule each run's output was judged by
 * (from the runner's outcome to the record the sink writes).
 */
export class ServiceAlerts {
  readonly monitor: AlertMonitor;
  readonly #rules = new Map<string, string>();
  readonly #store: TaskStore;

  private constructor(monitor: AlertMonitor, store: TaskStore) {
    this.monitor = monitor;
    this.#store = store;
  }

  static async open(options: {
    dataDir: string;
    cipher: Cipher;
    clock: Clock;
    logger: Logger;
    vault: Vault;
    store: TaskStore;
    events: EventHub;
    notice: Notice;
  }): Promise<ServiceAlerts> {
    let alerts: ServiceAlerts | null = null;
    const monitor = new AlertMonitor({
      dir: join(options.dataDir, 'alerts'),
      cipher: options.cipher,
      clock: options.clock,
      logger: options.logger,
      taskSecrets: async (taskId) => {
        const got = await options.vault.get(taskId);
        return got.ok ? secretValuesOf(got.action) : [];
      },
      onChange: () =>
        options.events.emit('alerts:changed', {
          openIncidents: alerts?.monitor.incidents.list({ open: true }).length ?? 0,
        }),
    });
    for (const message of await monitor.open()) options.notice('warning', message);
    alerts = new ServiceAlerts(monitor, options.store);
    return alerts;
  }

  /** The runner, with each task's output rules applied to what it reports. */
  runner(inner: ActionRunner<string>): ActionRunner<string> {
    return {
      run: async (taskId, context) => {
        const outcome = await inner.run(taskId, context);
        const judged = applyOutputRules(outcome, this.monitor.outputRules(taskId));
        if (judged.rule !== null) this.#rules.set(context.runId, judged.rule);
        return judged.outcome;
      },
    };
  }

  /** The sink, naming the deciding rule in the record and handing every record to the monitor. */
  sink(inner: RunSink): RunSink {
    return {
      write: async (record) => {
        const rule = this.#rules.get(record.runId);
        if (rule !== undefined && record.status !== 'running') {
          this.#rules.delete(record.runId);
          record.rule = rule;
        }
        try {
          await inner.write(record);
        } finally {
          this.monitor.record(record);
        }
      },
    };
  }

  /** A task was added, changed or removed: the dead man's switch follows. */
  taskChanged(taskId: string, enabled: boolean | null): void {
    const stored = this.#store.getTask(taskId);
    if (!stored || enabled === null) this.monitor.forgetTask(taskId);
    else this.monitor.watchTask(watchedTask({ ...stored, enabled }));
  }

  /** Watches every saved task and judges what fell due while the app was closed. */
  watchAll(): void {
    for (const task of this.#store.listTasks()) this.monitor.watchTask(watchedTask(task));
    this.monitor.deadman.check();
  }
}

export function watchedTask(task: StoredTask): WatchedTask {
  return {
    task: { id: task.id, name: task.name, project: task.project, group: task.group },
    schedule: task.schedule,
    timezone: task.timezone,
    createdAt: task.createdAt,
    enabled: task.enabled,
    // The engine's own plan (seeded by the id, as the engine seeds it), so the switch expects
    // exactly the runs the engine will start.
    plan: task.schedule.kind === 'routine' ? null : TriggerPlan.of(task, task.id),
    conditions: task.conditions ?? null,
  };
}
