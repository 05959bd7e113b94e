import { describe, expect, it } from 'vitest';
import type { SchedulerStatus } from '../../main/api/contract.js';
import {
  buildTrayMenu,
  formatRelative,
  toMenuTemplate,
  trayIconState,
  trayTooltip,
} from '../../main/electron/tray-menu.js';
import type { TrayCommand, TrayMenuItem, TrayState } from '../../main/electron/tray-menu.js';
import { trayIconPath } from '../../main/electron/tray-icons.js';
import { schedulerStatus } from '../support/scheduler-status.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

const status = (overrides: Partial<SchedulerStatus> = {}) => schedulerStatus(NOW, overrides);

function state(overrides: Partial<TrayState> = {}): TrayState {
  return {
    status: status(),
    tasks: [
      { id: 't1', name: 'backup', enabled: true },
      { id: 't2', name: 'report', enabled: false },
    ],
    vaultWarning: null,
    now: NOW,
    ...overrides,
  };
}

const labels = (items: TrayMenuItem[]) =>
  items.map((item) => (item.type === 'separator' ? '---' : item.label));
const item = (items: TrayMenuItem[], label: string) => {
  const found = items.find((i) => i.type === 'normal' && i.label === label);
  if (!found || found.type !== 'normal')
    throw new Error(`no item ${label} in ${labels(items).join(', ')}`);
  return found;
};

describe('the tray menu', () => {
  it('offers the state line, Start, Run now, Pause, Open and Quit when stopped', () => {
    const menu = buildTrayMenu(state());
    expect(labels(menu)).toEqual([
      'Scheduler stopped',
      '---',
      'Start scheduler',
      'Pause for 1 hour',
      'Do not run until',
      'Run now',
      '---',
      'Open Crontray',
      'Quit',
    ]);
    expect(item(menu, 'Scheduler stopped').enabled).toBe(false);
    expect(item(menu, 'Start scheduler').command).toEqual({ kind: 'start' });
    expect(item(menu, 'Pause for 1 hour').enabled).toBe(false);
  });

  it('offers Stop and an enabled Pause for 1 hour while running', () => {
    const menu = buildTrayMenu(state({ status: status({ running: true, activeRuns: 2 }) }));
    expect(labels(menu)[0]).toBe('Scheduler running, 2 running');
    expect(item(menu, 'Stop scheduler').command).toEqual({ kind: 'stop' });
    expect(item(menu, 'Pause for 1 hour')).toMatchObject({
      enabled: true,
      command: { kind: 'pause', minutes: 60 },
    });
  });

  it('lists every task under Run now, marking disabled ones', () => {
    const runNow = item(buildTrayMenu(state()), 'Run now').submenu ?? [];
    expect(labels(runNow)).toEqual(['backup', 'report (disabled)']);
    expect(runNow.map((i) => (i.type === 'normal' ? i.command : null))).toEqual([
      { kind: 'runNow', taskId: 't1' },
      { kind: 'runNow', taskId: 't2' },
    ]);
  });

  it('explains an empty Run now submenu', () => {
    const runNow = item(buildTrayMenu(state({ tasks: [] })), 'Run now').submenu ?? [];
    expect(runNow).toEqual([{ type: 'normal', label: 'No tasks yet', enabled: false }]);
  });

  it('caps Run now at 30 tasks and points to the window for the rest', () => {
    const tasks = Array.from({ length: 45 }, (_, i) => ({
      id: `t${i}`,
      name: `task ${i}`,
      enabled: true,
    }));
    const runNow = item(buildTrayMenu(state({ tasks })), 'Run now').submenu ?? [];
    expect(runNow).toHaveLength(31);
    expect(runNow[30]).toMatchObject({
      label: '15 more in the window…',
      command: { kind: 'open' },
    });
  });

  it('shows Resume now instead of Start and Pause while paused', () => {
    const menu = buildTrayMenu(state({ status: status({ pausedUntil: NOW + 30 * 60_000 }) }));
    expect(labels(menu)[0]).toMatch(/^Paused until /);
    expect(labels(menu)).not.toContain('Start scheduler');
    expect(labels(menu)).not.toContain('Pause for 1 hour');
    expect(item(menu, 'Resume now').command).toEqual({ kind: 'resume' });
  });

  it('disables scheduler actions until the service has answered', () => {
    const menu = buildTrayMenu(state({ status: null }));
    expect(labels(menu)[0]).toBe('Crontray: starting…');
    expect(item(menu, 'Start scheduler').enabled).toBe(false);
    expect(item(menu, 'Run now').enabled).toBe(false);
    expect(item(menu, 'Quit').enabled).toBe(true);
  });

  it('shows the vault warning as a line of its own', () => {
    const menu = buildTrayMenu(state({ vaultWarning: 'Secrets are only obfuscated' }));
    expect(labels(menu)[1]).toBe('⚠ Secrets are only obfuscated');
  });

  it('turns into an Electron template whose clicks run the commands', () => {
    const ran: TrayCommand[] = [];
    const template = toMenuTemplate(buildTrayMenu(state()), (command) => ran.push(command));
    const click = (t: (typeof template)[number] | undefined) =>
      (t?.click as (() => void) | undefined)?.();
    click(template.find((t) => t.label === 'Start scheduler'));
    const runNow = template.find((t) => t.label === 'Run now')?.submenu;
    click(Array.isArray(runNow) ? runNow[0] : undefined);
    click(template.find((t) => t.label === 'Quit'));
    expect(ran).toEqual([{ kind: 'start' }, { kind: 'runNow', taskId: 't1' }, { kind: 'quit' }]);
    expect(template[0]).toEqual({ label: 'Scheduler stopped', enabled: false });
    expect(template[1]).toEqual({ type: 'separator' });
  });
});

describe('the tray icon and tooltip', () => {
  it('shows failed over running, and stopped when the scheduler is off', () => {
    expect(trayIconState(status({ running: true }))).toBe('running');
    expect(trayIconState(status({ running: true, lastRunFailed: true }))).toBe('failed');
    expect(trayIconState(status())).toBe('stopped');
    expect(trayIconState(null)).toBe('stopped');
  });

  it('uses template images on macOS and coloured ones elsewhere', () => {
    expect(trayIconPath('/i', 'failed', 'darwin')).toMatch(/tray-failedTemplate\.png$/);
    expect(trayIconPath('/i', 'failed', 'win32')).toMatch(/tray-failed\.png$/);
    expect(trayIconPath('/i', 'running', 'linux')).toMatch(/tray-running\.png$/);
  });

  it('tells the next run relative to now', () => {
    const tip = trayTooltip(
      state({
        status: status({
          running: true,
          nextRun: { taskId: 't1', name: 'backup', at: NOW + 3 * 60_000 },
        }),
      }),
    );
    expect(tip.split('\n')[0]).toBe('Scheduler running');
    expect(tip.split('\n')[1]).toMatch(/^Next: backup in 3 min \(.+\)$/);
  });

  it('names a run waiting for its conditions, and how many more wait', () => {
    const tip = trayTooltip(
      state({
        status: status({
          running: true,
          waiting: [
            { taskId: 't1', name: 'laptop-backup', waitingFor: 'waiting for AC power' },
            { taskId: 't2', name: 'sync', waitingFor: 'waiting for the network' },
          ],
        }),
      }),
    );
    expect(tip.split('\n')[1]).toBe('laptop-backup: waiting for AC power (and 1 more)');
  });

  it('says when nothing is scheduled and carries the vault warning', () => {
    const tip = trayTooltip(
      state({ status: status({ running: true }), vaultWarning: 'keychain missing' }),
    );
    expect(tip).toBe('Scheduler running\nNo run scheduled\n⚠ keychain missing');
  });

  it('formats durations the way people say them', () => {
    expect(formatRelative(0)).toBe('now');
    expect(formatRelative(45_000)).toBe('in 45 s');
    expect(formatRelative(3 * 60_000)).toBe('in 3 min');
    expect(formatRelative(125 * 60_000)).toBe('in 2 h 5 min');
    expect(formatRelative(2 * 3600_000)).toBe('in 2 h');
    expect(formatRelative(3 * 86_400_000)).toBe('in 3 days');
  });
});

describe('the tray and a cluster', () => {
  const cluster = (connected: boolean) => ({
    url: 'redis://:****@cache:6379',
    connected,
    error: connected
      ? null
      : 'Redis at redis://:****@cache:6379 is not reachable (connection refused)',
    trouble: connected ? null : ('unreachable' as const),
    workers: [],
    queues: [],
    warnings: [],
  });

  it('says the cluster is unreachable, with why, in the menu and the tooltip', () => {
    const down = state({ status: status({ cluster: cluster(false) }) });
    expect(labels(buildTrayMenu(down))).toContain(
      '⚠ Cluster unreachable: Redis at redis://:****@cache:6379 is not reachable (connection refused)',
    );
    expect(trayTooltip(down)).toContain('⚠ Cluster unreachable');
  });

  it('says a Redis that evicts keys does so, with the setting to change, not that it is unreachable', () => {
    const evicting =
      'Cluster: Redis at redis://:****@cache:6379 evicts keys (maxmemory-policy allkeys-lru), so it may drop queued runs and their locks: set "maxmemory-policy noeviction" in redis.conf (or run: redis-cli CONFIG SET maxmemory-policy noeviction)';
    for (const connected of [false, true]) {
      const unfit = { ...cluster(connected), error: evicting, trouble: 'unfit' as const };
      const shown = state({ status: status({ cluster: unfit }) });
      const line = labels(buildTrayMenu(shown)).find((l) => l.includes('Cluster'));
      expect(line).toBe(`⚠ ${evicting}`);
      expect(trayTooltip(shown)).not.toContain('unreachable');
      expect(trayTooltip(shown)).toContain('set "maxmemory-policy noeviction"');
    }
  });

  it('says nothing about the cluster while it is connected', () => {
    const up = state({ status: status({ cluster: cluster(true) }) });
    expect(labels(buildTrayMenu(up)).join()).not.toContain('Cluster');
    expect(trayTooltip(up)).not.toContain('Cluster');
  });
});

describe('the tray while an alert incident is open', () => {
  const incidents: TrayState['incidents'] = [
    { id: 'i1', taskName: 'backup', kind: 'failure' },
    { id: 'i2', taskName: 'sync', kind: 'missed' },
  ];

  it('shows the failed icon even after a later run of another task succeeded', () => {
    expect(trayIconState(status({ running: true, lastRunFailed: false }), incidents)).toBe(
      'failed',
    );
    expect(trayIconState(status({ running: true, lastRunFailed: false }), [])).toBe('running');
  });

  it('lists each open incident in the menu, and a click opens the window', () => {
    const items = buildTrayMenu(state({ status: status({ running: true }), incidents }));
    expect(labels(items)).toContain('⚠ backup is failing');
    expect(labels(items)).toContain('⚠ sync did not run');
    expect(item(items, '⚠ backup is failing').command).toEqual({ kind: 'open' });
  });
});
