import type { SchedulerStatus, UpdateStatus } from '../api/contract.js';
import type { MenuItemConstructorOptions } from 'electron';
import { untilWords } from '../api/until-words.js';
import { trayUpdateItems } from './update-policy.js';

/** What the tray shows; rebuilt from the service on every event. */
export interface TrayState {
  /** Null until the service first answers. */
  status: SchedulerStatus | null;
  /** Tasks offered under "Run now", in display order. */
  tasks: { id: string; name: string; enabled: boolean }[];
  /** Said in the tooltip when secrets are not protected by the OS (see vault-warning.ts). */
  vaultWarning: string | null;
  /** Open alert incidents (failing or missed tasks), newest first; absent means none. */
  incidents?: { id: string; taskName: string; kind: 'failure' | 'missed' }[];
  /** Epoch ms, for "in 3 min". */
  now: number;
  /** The updater's status; no update lines while it is null or off. */
  update?: UpdateStatus | null;
}

/** What a menu item does, as data: setup-tray turns it into a click handler. */
export type TrayCommand =
  | { kind: 'start' }
  | { kind: 'stop' }
  | { kind: 'runNow'; taskId: string }
  | { kind: 'pause'; minutes: number }
  | { kind: 'resume' }
  /** "Do not run until …" a preset time (epoch ms). */
  | { kind: 'until'; at: number }
  /** "Until…": the window's date-time field. */
  | { kind: 'untilPick' }
  /** "Run now again": clears "Do not run until …". */
  | { kind: 'runAgain' }
  | { kind: 'open' }
  | { kind: 'checkUpdates' }
  | { kind: 'quit' };

export type TrayMenuItem =
  | { type: 'separator' }
  | {
      type: 'normal';
      label: string;
      enabled: boolean;
      command?: TrayCommand;
      submenu?: TrayMenuItem[];
    };

export type TrayIconState = 'running' | 'stopped' | 'failed';

const PAUSE_MINUTES = 60;
const MAX_RUN_NOW_ITEMS = 30;

/** "in 45 s", "in 3 min", "in 2 h 5 min", "in 3 days"; "now" when due or past. */
export function formatRelative(ms: number): string {
  if (ms < 1000) return 'now';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `in ${hours} h` : `in ${hours} h ${minutes % 60} min`;
  return `in ${Math.round(hours / 24)} days`;
}

function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * The icon: failed wins over running, so a failure stays visible until the next good run, and
 * for as long as an alert incident is open.
 */
export function trayIconState(
  status: SchedulerStatus | null,
  incidents: TrayState['incidents'] = [],
): TrayIconState {
  if (status?.lastRunFailed || incidents.length > 0) return 'failed';
  return status?.running ? 'running' : 'stopped';
}

/** The first menu line and the tooltip's first line. */
export function stateLine(state: TrayState): string {
  const status = state.status;
  if (!status) return 'Crontray: starting…';
  if (status.pausedUntil !== null && status.pausedUntil > state.now) {
    return `Paused until ${clockTime(status.pausedUntil)}`;
  }
  const until = heldUntil(state);
  if (until !== null) return `Not running until ${untilWords(until, state.now, 'short')}`;
  if (!status.running) return 'Scheduler stopped';
  const failed = status.lastRunFailed ? ', last run failed' : '';
  const active = status.activeRuns > 0 ? `, ${status.activeRuns} running` : '';
  return `Scheduler running${active}${failed}`;
}

/**
 * "Cluster unreachable: ..." while a configured cluster cannot be reached, "Cluster: Redis at ...
 * evicts keys ...: set ..." while Redis answers but cannot be used (its setting is the fix, not
 * the network); null otherwise.
 */
export function clusterLine(status: SchedulerStatus | null): string | null {
  const cluster = status?.cluster;
  if (!cluster) return null;
  const why = cluster.error?.replace(/^Cluster: /, '') ?? null;
  if (cluster.trouble === 'unfit' && why !== null) return `Cluster: ${why}`;
  if (cluster.connected) return null;
  return `Cluster unreachable${why !== null ? `: ${why}` : ''}`;
}

/** Tooltip: the state, the next run, and the vault warning when there is one. */
export function trayTooltip(state: TrayState): string {
  const lines = [stateLine(state)];
  const waiting = state.status?.waiting ?? [];
  const [first] = waiting;
  if (first) {
    const more = waiting.length > 1 ? ` (and ${waiting.length - 1} more)` : '';
    lines.push(`${first.name}: ${first.waitingFor}${more}`);
  }
  const next = state.status?.running ? state.status.nextRun : null;
  if (next)
    lines.push(`Next: ${next.name} ${formatRelative(next.at - state.now)} (${clockTime(next.at)})`);
  else if (state.status?.running) lines.push('No run scheduled');
  if (state.vaultWarning) lines.push(`⚠ ${state.vaultWarning}`);
  const cluster = clusterLine(state.status);
  if (cluster) lines.push(`⚠ ${cluster}`);
  return lines.join('\n');
}

/** The "Do not run until …" time while it lasts, or null. */
function heldUntil(state: TrayState): number | null {
  const until = state.status?.doNotRunUntil?.until ?? null;
  return until !== null && until > state.now ? until : null;
}

/** 08:00 on the next day (after `now`) for which `accept` holds, local time. */
function nextMorning(now: number, accept: (d: Date) => boolean): number {
  const d = new Date(now);
  d.setHours(8, 0, 0, 0);
  do d.setDate(d.getDate() + 1);
  while (!accept(d));
  return d.getTime();
}

/** "Do not run until …": presets, "Until…" (the window), or "Run now again" while it holds. */
function untilItems(state: TrayState): TrayMenuItem[] {
  if (heldUntil(state) !== null)
    return [
      { type: 'normal', label: 'Run now again', enabled: true, command: { kind: 'runAgain' } },
    ];
  const at = (label: string, when: number): TrayMenuItem => ({
    type: 'normal',
    label,
    enabled: true,
    command: { kind: 'until', at: when },
  });
  const submenu: TrayMenuItem[] = [
    at(
      'Until tomorrow 08:00',
      nextMorning(state.now, () => true),
    ),
    at(
      'Until Monday 08:00',
      nextMorning(state.now, (d) => d.getDay() === 1),
    ),
    { type: 'normal', label: 'Until…', enabled: true, command: { kind: 'untilPick' } },
  ];
  return [{ type: 'normal', label: 'Do not run until', enabled: state.status !== null, submenu }];
}

/** Start/Stop and Pause; while paused, one "Resume now" replaces them. */
function schedulerItems(running: boolean, paused: boolean, ready: boolean): TrayMenuItem[] {
  if (paused)
    return [{ type: 'normal', label: 'Resume now', enabled: true, command: { kind: 'resume' } }];
  return [
    running
      ? { type: 'normal', label: 'Stop scheduler', enabled: true, command: { kind: 'stop' } }
      : { type: 'normal', label: 'Start scheduler', enabled: ready, command: { kind: 'start' } },
    {
      type: 'normal',
      label: 'Pause for 1 hour',
      enabled: running,
      command: { kind: 'pause', minutes: PAUSE_MINUTES },
    },
  ];
}

const MAX_INCIDENT_ITEMS = 10;

/** One line per open incident; a click opens the window (the Alerts view lists them all). */
function incidentItems(incidents: NonNullable<TrayState['incidents']>): TrayMenuItem[] {
  const items: TrayMenuItem[] = incidents.slice(0, MAX_INCIDENT_ITEMS).map((i) => ({
    type: 'normal',
    label: `⚠ ${i.taskName} ${i.kind === 'missed' ? 'did not run' : 'is failing'}`,
    enabled: true,
    command: { kind: 'open' },
  }));
  if (incidents.length > MAX_INCIDENT_ITEMS)
    items.push({
      type: 'normal',
      label: `${incidents.length - MAX_INCIDENT_ITEMS} more open incidents…`,
      enabled: true,
      command: { kind: 'open' },
    });
  return items;
}

/** The tray menu as a pure function of the state. */
export function buildTrayMenu(state: TrayState): TrayMenuItem[] {
  const status = state.status;
  const running = status?.running ?? false;
  const pausedUntil = status?.pausedUntil ?? null;
  const paused = pausedUntil !== null && pausedUntil > state.now;
  const runnable = state.tasks.slice(0, MAX_RUN_NOW_ITEMS);
  const runNow: TrayMenuItem[] =
    runnable.length > 0
      ? runnable.map((task) => ({
          type: 'normal',
          label: task.enabled ? task.name : `${task.name} (disabled)`,
          enabled: status !== null,
          command: { kind: 'runNow', taskId: task.id },
        }))
      : [{ type: 'normal', label: 'No tasks yet', enabled: false }];
  if (state.tasks.length > runnable.length) {
    runNow.push({
      type: 'normal',
      label: `${state.tasks.length - runnable.length} more in the window…`,
      enabled: true,
      command: { kind: 'open' },
    });
  }
  return [
    { type: 'normal', label: stateLine(state), enabled: false },
    ...(state.vaultWarning
      ? [{ type: 'normal' as const, label: `⚠ ${state.vaultWarning}`, enabled: false }]
      : []),
    ...(clusterLine(status)
      ? [{ type: 'normal' as const, label: `⚠ ${clusterLine(status)}`, enabled: false }]
      : []),
    ...incidentItems(state.incidents ?? []),
    { type: 'separator' },
    ...schedulerItems(running, paused, status !== null),
    ...untilItems(state),
    { type: 'normal', label: 'Run now', enabled: status !== null, submenu: runNow },
    { type: 'separator' },
    { type: 'normal', label: 'Open Crontray', enabled: true, command: { kind: 'open' } },
    ...trayUpdateItems(state.update).map((u): TrayMenuItem => ({
      type: 'normal',
      label: u.label,
      enabled: u.enabled,
      ...(u.checks ? { command: { kind: 'checkUpdates' as const } } : {}),
    })),
    { type: 'normal', label: 'Quit', enabled: true, command: { kind: 'quit' } },
  ];
}

/** Turns the pure menu into Electron's template; each command goes to `run`. */
export function toMenuTemplate(
  items: TrayMenuItem[],
  run: (command: TrayCommand) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const command = item.command;
    return {
      label: item.label,
      enabled: item.enabled,
      ...(item.submenu ? { submenu: toMenuTemplate(item.submenu, run) } : {}),
      ...(command ? { click: () => run(command) } : {}),
    };
  });
}
