import { describe, expect, it } from 'vitest';
import { runTrayCommand } from '../../main/electron/tray-commands.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useDesktopService } from './electron-service.js';

describe('tray commands', () => {
  const desktop = useDesktopService();

  it('runs tray commands through the contract: start, pause, resume, stop', async () => {
    const { service } = desktop;
    const logger = recordingLogger();
    const targets = { service, openWindow: () => undefined, quit: () => undefined, logger };
    await runTrayCommand({ kind: 'start' }, targets);
    expect(await service.call('scheduler:status', undefined)).toMatchObject({
      ok: true,
      value: { running: true },
    });
    await runTrayCommand({ kind: 'pause', minutes: 60 }, targets);
    const paused = await service.call('scheduler:status', undefined);
    expect(paused).toMatchObject({ ok: true, value: { running: false } });
    expect(
      paused.ok && (paused.value as { pausedUntil: number | null }).pausedUntil,
    ).toBeGreaterThan(0);
    await runTrayCommand({ kind: 'resume' }, targets);
    expect(await service.call('scheduler:status', undefined)).toMatchObject({
      ok: true,
      value: { running: true, pausedUntil: null },
    });
    await runTrayCommand({ kind: 'stop' }, targets);
    expect(await service.call('scheduler:status', undefined)).toMatchObject({
      ok: true,
      value: { running: false },
    });
    expect(logger.lines).toEqual([]);
  });

  it('logs a refused tray command, such as Run now for a task that is gone', async () => {
    const { service } = desktop;
    const logger = recordingLogger();
    let opened = 0;
    const targets = { service, openWindow: () => void opened++, quit: () => undefined, logger };
    await runTrayCommand({ kind: 'runNow', taskId: 'gone' }, targets);
    await runTrayCommand({ kind: 'open' }, targets);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.level).toBe('warn');
    expect(logger.lines[0]?.message).toMatch(/^Tray: tasks:runNow failed: /);
    expect(opened).toBe(1);
  });
});
