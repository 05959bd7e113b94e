import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { removeAtomicTempFiles } from '../fs/atomic-write.js';
import { Redactor } from '../actions/redaction.js';
import type { Logger } from '../log/logger.js';
import type { RunRecord } from '../model/run.js';
import type { Cipher } from '../store/cipher.js';
import type { Clock } from '../time/clock.js';
import { AlertConfigStore } from './alert-config-store.js';
import { effectiveRules } from './alert-config.js';
import type { OutputRules } from './alert-config.js';
import type { AlertMessage, AlertTask } from './alert-message.js';
import {
  alertRun,
  alertTask,
  failureText,
  missedText,
  recoveryText,
  slowText,
} from './alert-message.js';
import { evaluateRun } from './alert-rules.js';
import type { Verdict } from './alert-rules.js';
import { alertSecretValues } from './alert-secrets.js';
import { PING_CHANNEL_ID, channelDelivery } from './channel-delivery.js';
import { DeadManSwitch } from './dead-man-switch.js';
import { allowanceText } from './missed-allowance.js';
import type { SwitchRules, WatchedTask } from './dead-man-switch.js';
import type { DesktopNotifier } from './desktop-notifier.js';
import { IncidentBook } from './incident-book.js';
import type { Incident } from './incident-book.js';
import { Outbox } from './outbox.js';
import type { OutboxEntry } from './outbox-entry.js';
import type { PingPhase } from './ping-sender.js';

export interface AlertMonitorOptions {
  /** <dataDir>/alerts */
  dir: string;
  /** The vault's cipher: the alert settings hold secrets. */
  cipher: Cipher;
  clock: Clock;
  logger: Logger;
  /** The secret values of a task's action, masked in the output lines an alert carries. */
  taskSecrets(taskId: string): Promise<string[]>;
  /** Incidents or alerts changed (the service tells windows and the tray). */
  onChange?(): void;
}

const DAY_MS = 24 * 3600_000;

/**
 * Watches every task's runs: rules turn finished runs into alerts, incidents keep one alert per
 * episode, the dead man's switch catches runs that never started, and the outbox delivers. Fed
 * by `record()`, which never waits: the work happens on a queue of its own, after the run.
 */
export class AlertMonitor {
  readonly config: AlertConfigStore;
  readonly incidents: IncidentBook;
  readonly outbox: Outbox;
  readonly deadman: DeadManSwitch;
  readonly #o: AlertMonitorOptions;
  #notifier: DesktopNotifier | null = null;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: AlertMonitorOptions) {
    this.#o = options;
    const { clock, logger } = options;
    this.config = new AlertConfigStore({
      path: join(options.dir, 'config.json'),
      cipher: options.cipher,
      clock,
    });
    this.incidents = new IncidentBook({ path: join(options.dir, 'state.json'), clock, logger });
    this.outbox = new Outbox({
      dir: join(options.dir, 'outbox'),
      clock,
      logger,
      deliver: channelDelivery(this.config, () => this.#notifier),
      retentionMs: () => this.config.settings().retentionDays * DAY_MS,
      onAttempt: () => this.#o.onChange?.(),
    });
    this.deadman = new DeadManSwitch({
      clock,
      book: this.incidents,
      rules: (taskId) => this.#switchRules(taskId),
      onMissed: (task, dueAt, count, rules) =>
        this.#later(() => this.#missed(task, dueAt, count, rules)),
    });
  }

  /** Loads settings, incidents and the outbox (pending deliveries resume); returns notices. */
  async open(): Promise<string[]> {
    // A crash mid-save leaves temp files beside state.json and the outbox entries.
    await removeAtomicTempFiles(this.#o.dir);
    await removeAtomicTempFiles(join(this.#o.dir, 'outbox'));
    const notices = [await this.config.load(), await this.incidents.load()].filter(
      (n): n is string => n !== null,
    );
    notices.push(...(await this.outbox.load()));
    const before = this.#o.clock.now() - this.config.settings().retentionDays * DAY_MS;
    this.incidents.prune(before);
    await this.outbox.prune();
    return notices;
  }

  /** The Electron host shows desktop alerts; headless has none. */
  setNotifier(notifier: DesktopNotifier | null): void {
    this.#notifier = notifier;
  }

  /** The output rules of a task, applied by the runner before the engine sees the outcome. */
  outputRules(taskId: string): OutputRules {
    return this.config.task(taskId).output;
  }

  /** Every run record the engine writes comes here; nothing waits for the alert work. */
  record(run: RunRecord): void {
    const copy = { ...run };
    this.#later(() => this.#onRecord(copy));
  }

  /** A result reported from outside (the task's own script, a worker). */
  reported(run: RunRecord): void {
    this.deadman.reported(run.taskId, run.endedAt ?? this.#o.clock.now());
    this.record(run);
  }

  /** Resolves once every record handed in so far is judged and nothing is being sent. */
  async whenIdle(): Promise<void> {
    await this.#queue;
    await this.outbox.whenIdle();
  }

  async acknowledge(incidentId: string): Promise<Incident | null> {
    const closed = this.incidents.close(incidentId, 'acknowledged');
    if (closed) this.#o.onChange?.();
    return closed;
  }

  /** Sends a test alert through one channel and waits for the first try. */
  async sendTest(channelId: string): Promise<OutboxEntry> {
    const channel = this.config.settings().channels.find((c) => c.id === channelId);
    if (!channel) throw new Error(`no channel has id '${channelId}'`);
    const message: AlertMessage = {
      kind: 'test',
      title: 'Crontray test alert',
      text: `This is a test alert from Crontray through the channel '${channel.name}'. If you can read it, the channel works.`,
      at: this.#o.clock.now(),
      task: null,
      run: null,
      incident: null,
    };
    const entry = await this.outbox.enqueue(
      message,
      [{ channelId, channelKind: channel.kind, channelName: channel.name }],
      { type: 'alert', ping: null, incidentId: null },
    );
    this.#o.onChange?.();
    await this.outbox.whenIdle();
    return this.outbox.get(entry.id) ?? entry;
  }

  /** A task was added or changed (schedule, enabled). */
  watchTask(task: WatchedTask): void {
    this.deadman.upsert(task);
  }

  forgetTask(taskId: string): void {
    this.deadman.remove(taskId);
    this.incidents.forgetTask(taskId);
    void this.config.setTask(taskId, null).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.deadman.close();
    await this.#queue;
    await this.outbox.close();
    await this.incidents.flush();
  }

  #later(work: () => Promise<void>): void {
    this.#queue = this.#queue
      .then(work)
      .catch((error: unknown) => this.#o.logger.error('Alerts: handling a run failed', error));
  }

  #switchRules(taskId: string): SwitchRules {
    const task = this.config.task(taskId);
    const { missed } = effectiveRules(this.config.settings(), task);
    return { ...missed, expect: task.expect };
  }

  async #onRecord(run: RunRecord): Promise<void> {
    const task = this.config.task(run.taskId);
    if (run.status === 'running') {
      if (run.scheduledFor !== null && run.startedAt !== null)
        this.deadman.started(run.taskId, run.scheduledFor, run.startedAt);
      await this.#closeMissed(run);
      if (task.pings) await this.#ping('start', run);
      return;
    }
    if (run.status === 'skipped' && run.scheduledFor !== null)
      this.deadman.skipped(run.taskId, run.scheduledFor, run.skipReason);
    const settings = this.config.settings();
    const rules = effectiveRules(settings, task);
    const before = this.incidents.watch(run.taskId);
    const { watch, verdicts } = evaluateRun(before, rules, run);
    this.incidents.setWatch(run.taskId, watch);
    let closed: Incident | null = null;
    if (run.status === 'succeeded' && before.incidentId !== null)
      closed = this.incidents.close(before.incidentId, 'recovery');
    for (const verdict of verdicts) await this.#raise(verdict, run, closed);
    if (
      task.pings &&
      (run.status === 'succeeded' || run.status === 'failed' || run.status === 'timed-out')
    )
      await this.#ping(run.status === 'succeeded' ? 'success' : 'failure', run);
    if (closed !== null) this.#o.onChange?.();
  }

  /** A redactor for alert texts: the task's own secrets and every alert secret. */
  async #redactor(taskId: string | null): Promise<Redactor> {
    const own = taskId === null ? [] : await this.#o.taskSecrets(taskId).catch(() => []);
    return new Redactor([
      ...own,
      ...alertSecretValues(this.config.settings(), this.config.allTasks()),
    ]);
  }

  async #message(
    kind: AlertMessage['kind'],
    title: string,
    text: (task: AlertTask) => string,
    run: RunRecord | null,
    task: AlertTask,
    incident: Incident | null,
  ): Promise<AlertMessage> {
    const redactor = await this.#redactor(task.id);
    const r = run ? alertRun(run) : null;
    return {
      kind,
      title,
      text: redactor.redact(text(task)),
      at: this.#o.clock.now(),
      task,
      run: r
        ? { ...r, error: redactor.redactMaybe(r.error), outputTail: redactor.redact(r.outputTail) }
        : null,
      incident: incident ? { id: incident.id, openedAt: incident.openedAt } : null,
    };
  }

  async #raise(verdict: Verdict, run: RunRecord, closed: Incident | null): Promise<void> {
    const task = alertTask(run);
    const r = alertRun(run);
    if (verdict.kind === 'failure') {
      const incident = this.incidents.open({
        id: randomUUID(),
        kind: 'failure',
        taskId: task.id,
        task,
        openedAt: this.#o.clock.now(),
        reason: failureText(task, r, verdict.failures),
        lastRunId: run.runId,
        alertIds: [],
      });
      const message = await this.#message(
        'failure',
        `${task.name} failed`,
        (t) => failureText(t, r, verdict.failures),
        run,
        task,
        incident,
      );
      await this.#send(message, incident);
    } else if (verdict.kind === 'recovery' && closed) {
      const message = await this.#message(
        'recovery',
        `${task.name} recovered`,
        (t) => recoveryText(t, closed.openedAt, this.#o.clock.now()),
        run,
        task,
        closed,
      );
      await this.#send(message, closed);
    } else if (verdict.kind === 'slow') {
      const message = await this.#message(
        'slow',
        `${task.name} was slow`,
        (t) => slowText(t, verdict.durationMs, verdict.limitMs, verdict.why),
        run,
        task,
        null,
      );
      await this.#send(message, null);
    }
  }

  async #missed(t: WatchedTask, dueAt: number, count: number, rules: SwitchRules): Promise<void> {
    const w = this.incidents.watch(t.task.id);
    if (w.missedIncidentId !== null) return;
    const why = rules.expect === 'ping' ? 'no result was reported' : 'no run started';
    const more = count > 1 ? ` (${count} due times in a row)` : '';
    const allowance = allowanceText(t, rules.graceMs);
    const text = (task: AlertTask) => `${missedText(task, dueAt, allowance, why)}${more}`;
    const incident = this.incidents.open({
      id: randomUUID(),
      kind: 'missed',
      taskId: t.task.id,
      task: t.task,
      openedAt: this.#o.clock.now(),
      reason: text(t.task),
      lastRunId: null,
      alertIds: [],
    });
    const message = await this.#message(
      'missed',
      `${t.task.name} did not run`,
      text,
      null,
      t.task,
      incident,
    );
    await this.#send(message, incident);
  }

  /** A run started again: the missed-run episode is over. */
  async #closeMissed(run: RunRecord): Promise<void> {
    const w = this.incidents.watch(run.taskId);
    if (w.missedIncidentId === null) return;
    const closed = this.incidents.close(w.missedIncidentId, 'recovery');
    if (!closed) return;
    const task = alertTask(run);
    const rules = effectiveRules(this.config.settings(), this.config.task(run.taskId));
    if (rules.recovery) {
      const message = await this.#message(
        'recovery',
        `${task.name} runs again`,
        (t) =>
          `Task '${t.name}' (${t.project} / ${t.group}) started a run again after missing its due time.`,
        null,
        task,
        closed,
      );
      await this.#send(message, closed);
    }
    this.#o.onChange?.();
  }

  async #send(message: AlertMessage, incident: Incident | null): Promise<void> {
    const settings = this.config.settings();
    if (!settings.enabled) return;
    const task = message.task ? this.config.task(message.task.id) : null;
    const ids = task?.channels ?? settings.defaultChannels;
    const channels = settings.channels
      .filter((c) => ids.includes(c.id) && c.enabled)
      .map((c) => ({ channelId: c.id, channelKind: c.kind, channelName: c.name }));
    const entry = await this.outbox.enqueue(message, channels, {
      type: 'alert',
      ping: null,
      incidentId: incident?.id ?? null,
    });
    if (incident) this.incidents.addAlert(incident.id, entry.id);
    this.#o.onChange?.();
  }

  async #ping(phase: PingPhase, run: RunRecord): Promise<void> {
    if (!this.config.settings().enabled) return;
    const task = alertTask(run);
    const message = await this.#message(
      'test',
      `${task.name}: ${phase}`,
      (t) => `${t.name} ${phase}`,
      run,
      task,
      null,
    );
    await this.outbox.enqueue(
      message,
      [{ channelId: PING_CHANNEL_ID, channelKind: 'ping', channelName: 'Monitor ping' }],
      { type: 'ping', ping: phase, incidentId: null },
    );
  }
}
