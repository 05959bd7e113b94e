import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Handlers, ParsedRequestOf, TaskAlertsView } from '../../api/contract.js';
import { alertSettings, taskAlerts } from '../alerts/alert-config.js';
import type { AlertSettings, TaskAlerts } from '../alerts/alert-config.js';
import {
  MaskWithoutSecret,
  maskSettings,
  maskTaskAlerts,
  mergeSettingsSecrets,
  mergeTaskSecrets,
} from '../alerts/alert-secrets.js';
import { runRecord } from '../model/run.js';
import type { RunRecord } from '../model/run.js';
import type { StoredTask } from '../model/task.js';
import type { TaskStore } from '../store/task-store.js';
import type { Clock } from '../time/clock.js';
import type { ServiceAlerts } from './alert-wiring.js';
import { invalid, notFound } from './service-error.js';

type AlertChannels =
  | 'alerts:settings:get'
  | 'alerts:settings:set'
  | 'alerts:task:get'
  | 'alerts:task:set'
  | 'alerts:incidents'
  | 'alerts:history'
  | 'alerts:acknowledge'
  | 'alerts:test'
  | 'alerts:report';

/** A host name that does not resolve is refused at save time rather than at the first alert. */
async function checkSmtpHosts(settings: AlertSettings): Promise<void> {
  for (const [i, channel] of settings.channels.entries()) {
    if (channel.kind !== 'email') continue;
    const host = channel.host.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) continue;
    try {
      await lookup(host);
    } catch {
      throw invalid(
        `channels.${i}.host: the SMTP host '${channel.host}' is unknown (it has no address); check the spelling`,
        `channels.${i}.host`,
      );
    }
  }
}

function withSecrets<T>(merge: () => T): T {
  try {
    return merge();
  } catch (error) {
    if (error instanceof MaskWithoutSecret) throw invalid(error.message, error.field);
    throw error;
  }
}

/** The alert channels of the contract, over the service's alert monitor. */
export function alertHandlers(
  alerts: () => ServiceAlerts,
  store: () => TaskStore,
  clock: Clock,
): Pick<Handlers, AlertChannels> {
  const monitor = () => alerts().monitor;
  const taskView = (taskId: string): TaskAlertsView => ({
    taskId,
    custom: monitor().config.hasTask(taskId),
    alerts: maskTaskAlerts(monitor().config.task(taskId)),
  });
  const requireTask = (id: string) => {
    const task = store().getTask(id);
    if (!task) throw notFound(`Alerts: no task has id '${id}'`);
    return task;
  };
  return {
    'alerts:settings:get': async () => maskSettings(monitor().config.settings()),
    'alerts:settings:set': async (request) => maskSettings(await saveSettings(monitor(), request)),
    'alerts:task:get': async ({ id }) => {
      requireTask(id);
      return taskView(id);
    },
    'alerts:task:set': async ({ id, alerts: incoming }) => {
      requireTask(id);
      await monitor().config.setTask(id, checkedTaskAlerts(monitor().config, id, incoming));
      return taskView(id);
    },
    'alerts:incidents': async (request) => monitor().incidents.list(request ?? {}),
    'alerts:history': async (request) => sentAlerts(monitor(), request),
    'alerts:acknowledge': async ({ id }) => {
      const incident = monitor().incidents.get(id);
      if (!incident) throw notFound(`Alerts: no incident has id '${id}'`);
      return (await monitor().acknowledge(id)) ?? incident;
    },
    'alerts:test': async ({ channelId }) => {
      if (
        !monitor()
          .config.settings()
          .channels.some((c) => c.id === channelId)
      )
        throw notFound(`Alerts: no alert channel has id '${channelId}'`);
      return monitor().sendTest(channelId);
    },
    'alerts:report': async (report) => {
      monitor().reported(reportedRun(requireTask(report.taskId), report, clock.now()));
      return { accepted: true };
    },
  };
}

type AlertMonitor = ServiceAlerts['monitor'];
type AlertConfig = AlertMonitor['config'];

/** New alert settings: secrets left blank keep their stored values; SMTP hosts must resolve. */
async function saveSettings(
  monitor: AlertMonitor,
  request: ParsedRequestOf<'alerts:settings:set'>,
): Promise<AlertSettings> {
  const merged = withSecrets(() => mergeSettingsSecrets(request, monitor.config.settings()));
  const settings = alertSettings.parse(merged);
  await checkSmtpHosts(settings);
  await monitor.config.setSettings(settings);
  return settings;
}

/** The alerts sent, newest first, of one task or one incident when asked. */
function sentAlerts(monitor: AlertMonitor, request: ParsedRequestOf<'alerts:history'>) {
  const { taskId, incidentId, limit } = request;
  return monitor.outbox
    .list(
      (e) =>
        e.type === 'alert' &&
        (taskId === undefined || e.message.task?.id === taskId) &&
        (incidentId === undefined || e.incidentId === incidentId),
    )
    .slice(0, limit);
}

/** A task's own alert settings as sent, checked against the known channels, secrets kept. */
function checkedTaskAlerts(
  config: AlertConfig,
  id: string,
  incoming: ParsedRequestOf<'alerts:task:set'>['alerts'],
): TaskAlerts | null {
  if (incoming === null) return null;
  const known = new Set(config.settings().channels.map((c) => c.id));
  incoming.channels?.forEach((channelId, i) => {
    if (!known.has(channelId))
      throw invalid(`channels.${i}: no alert channel has id '${channelId}'`, `channels.${i}`);
  });
  return taskAlerts.parse(
    withSecrets(() => mergeTaskSecrets(incoming, config.hasTask(id) ? config.task(id) : null)),
  );
}

/** The run record of an outcome a task reported from outside (a script or a CI job). */
function reportedRun(
  task: StoredTask,
  report: ParsedRequestOf<'alerts:report'>,
  now: number,
): RunRecord {
  const output = report.output ?? '';
  return runRecord.parse({
    runId: `report-${now}`,
    taskId: task.id,
    project: task.project,
    group: task.group,
    name: task.name,
    status: report.status,
    trigger: 'manual',
    scheduledFor: null,
    startedAt: now - (report.durationMs ?? 0),
    endedAt: now,
    exitCode: report.exitCode ?? null,
    stdout: { head: output, tail: '', truncated: false, totalBytes: output.length },
  });
}
