import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { handlePowerEvent } from '../../main/electron/power-events.js';
import { setupPower } from '../../main/electron/setup-power.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useDesktopService } from './electron-service.js';

describe('sleep and wake', () => {
  const desktop = useDesktopService();

  it("calls the service's resume hook on wake and tolerates a service without suspend", async () => {
    const logger = recordingLogger();
    await handlePowerEvent(desktop.service, 'resume', logger);
    await handlePowerEvent(desktop.service, 'suspend', logger);
    expect(logger.messages('error')).toEqual([]);
    expect(logger.messages('debug').some((l) => l.includes('no suspend() hook'))).toBe(true);
  });

  it('logs a failing power hook instead of throwing into Electron', async () => {
    const logger = recordingLogger();
    const failing = { resume: () => Promise.reject(new Error('engine gone')) };
    await handlePowerEvent(failing, 'resume', logger);
    expect(logger.messages()).toEqual(['Power: resume handling failed: engine gone']);
  });

  it('hands sleep and wake from powerMonitor to the service, in order', async () => {
    const calls: string[] = [];
    const service = {
      suspend: () => void calls.push('suspend'),
      resume: async () => void calls.push('resume'),
    };
    const powerMonitor = new EventEmitter();
    setupPower(powerMonitor, service, recordingLogger());
    powerMonitor.emit('suspend');
    powerMonitor.emit('resume');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['suspend', 'resume']);
  });

  it("runs an 'after the machine wakes' task as soon as powerMonitor says the machine resumed", async () => {
    const service = desktop.service;
    const created = await service.call('tasks:create', {
      name: 'sync after wake',
      schedule: { kind: 'cron', pattern: '0 0 1 1 *' },
      triggers: { events: ['wake'], eventsOnly: true },
      action: { kind: 'shell', program: 'true' },
    });
    expect(created.ok).toBe(true);
    await service.start();
    const powerMonitor = new EventEmitter();
    setupPower(powerMonitor, service, recordingLogger());
    powerMonitor.emit('resume');
    let triggers: string[] = [];
    for (let i = 0; i < 200 && triggers.length === 0; i++) {
      const page = await service.call('history:runs', {});
      if (page.ok)
        triggers = (page.value as { items: { trigger: string }[] }).items.map((r) => r.trigger);
      if (triggers.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(triggers).toEqual(['wake']);
  });
});
