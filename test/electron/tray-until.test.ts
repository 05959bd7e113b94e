import { describe, expect, it } from 'vitest';
import type { SchedulerStatus } from '../../main/api/contract.js';
import { buildTrayMenu, trayTooltip } from '../../main/electron/tray-menu.js';
import type { TrayMenuItem, TrayState } from '../../main/electron/tray-menu.js';
import { runTrayCommand } from '../../main/electron/tray-commands.js';
import { readTrayState } from '../../main/electron/tray-state.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useDesktopService } from './electron-service.js';
import { schedulerStatus } from '../support/scheduler-status.js';

/** Wednesday 2 December 2026 14:05 on this computer's clock, whatever its zone. */
const NOW = new Date(2026, 11, 2, 14, 5).getTime();

function state(doNotRunUntil: SchedulerStatus['doNotRunUntil'] = null): TrayState {
  return {
    status: schedulerStatus(NOW, {
      running: true,
      sessionId: 's1',
      startedAt: NOW - 60_000,
      doNotRunUntil,
      tasks: 1,
      enabledTasks: 1,
    }),
    tasks: [{ id: 't1', name: 'backup', enabled: true }],
    vaultWarning: null,
    now: NOW,
  };
}

const find = (items: TrayMenuItem[], label: string) =>
  items.find((i) => i.type === 'normal' && i.label === label);

describe('"Do not run until" in the tray', () => {
  it('offers tomorrow 08:00, Monday 08:00 and "Until…", which opens the window', () => {
    const until = find(buildTrayMenu(state()), 'Do not run until');
    const submenu = until?.type === 'normal' ? (until.submenu ?? []) : [];
    expect(submenu.map((i) => (i.type === 'normal' ? [i.label, i.command] : []))).toEqual([
      ['Until tomorrow 08:00', { kind: 'until', at: new Date(2026, 11, 3, 8).getTime() }],
      ['Until Monday 08:00', { kind: 'until', at: new Date(2026, 11, 7, 8).getTime() }],
      ['Until…', { kind: 'untilPick' }],
    ]);
  });

  it('says "Not running until …" in the menu and tooltip, and offers "Run now again" instead', () => {
    const held = state({ from: NOW, until: new Date(2026, 11, 3, 8).getTime() });
    const menu = buildTrayMenu(held);
    expect(menu[0]).toMatchObject({ label: 'Not running until 08:00 Thu 3 Dec' });
    expect(trayTooltip(held).split('\n')[0]).toBe('Not running until 08:00 Thu 3 Dec');
    expect(find(menu, 'Do not run until')).toBeUndefined();
    expect(find(menu, 'Run now again')).toMatchObject({ command: { kind: 'runAgain' } });
    expect(find(menu, 'Run now')).toMatchObject({ enabled: true });
  });

  it('forgets a time that has passed', () => {
    const menu = buildTrayMenu(state({ from: NOW - 7200_000, until: NOW - 1 }));
    expect(menu[0]).toMatchObject({ label: 'Scheduler running' });
    expect(find(menu, 'Do not run until')).toBeDefined();
  });
});

describe('"Do not run until" tray commands', () => {
  const desktop = useDesktopService();

  it('set the time through the contract, clear it with "Run now again", and "Until…" opens the window', async () => {
    const { service } = desktop;
    const logger = recordingLogger();
    let opened = 0;
    const targets = { service, openWindow: () => void opened++, quit: () => undefined, logger };
    const at = service.clock.now() + 3600_000;
    await runTrayCommand({ kind: 'until', at }, targets);
    const held = await service.call('scheduler:status', undefined);
    expect(held.ok && (held.value as SchedulerStatus).doNotRunUntil?.until).toBe(at);
    await runTrayCommand({ kind: 'runAgain' }, targets);
    const cleared = await service.call('scheduler:status', undefined);
    expect(cleared.ok && (cleared.value as SchedulerStatus).doNotRunUntil).toBeNull();
    await runTrayCommand({ kind: 'untilPick' }, targets);
    expect(opened).toBe(1);
    expect(logger.lines).toEqual([]);
  });
});

describe('what the tray reads from the service', () => {
  const desktop = useDesktopService();

  it('shows a "Do not run until" set elsewhere at its next read, with the tasks', async () => {
    const { service } = desktop;
    await service.call('tasks:create', {
      name: 'backup',
      schedule: { kind: 'cron', pattern: '0 3 * * *' },
      action: { kind: 'shell', mode: 'exec', program: 'true', args: [] },
    });
    const until = new Date(service.clock.now() + 86_400_000).setHours(8, 0, 0, 0);
    await service.call('scheduler:until', { until });
    const read = await readTrayState(service, state());
    expect(read.tasks.map((t) => t.name)).toEqual(['backup']);
    expect(read.status?.doNotRunUntil?.until).toBe(until);
    expect(trayTooltip({ ...read, now: service.clock.now() }).split('\n')[0]).toMatch(
      /^Not running until 08:00 \w{3} \d{1,2} \w{3}$/,
    );
  });

  it('keeps what it showed when the service cannot answer, instead of an empty menu', async () => {
    const failing = {
      call: async () => ({
        ok: false as const,
        error: { code: 'unavailable' as const, message: 'still starting' },
      }),
    };
    const before = state();
    const read = await readTrayState(failing, before);
    expect(read.tasks).toEqual(before.tasks);
    expect(read.status).toEqual(before.status);
  });
});
