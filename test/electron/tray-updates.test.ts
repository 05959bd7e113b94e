import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../main/api/contract.js';
import { silentLogger } from '../../main/core/log/logger.js';
import type { CrontrayService } from '../../main/core/service/service.js';
import { VirtualClock } from '../../main/core/time/virtual-clock.js';
import { createService } from '../../main/electron/create-service.js';
import { runTrayCommand } from '../../main/electron/tray-commands.js';
import { buildTrayMenu } from '../../main/electron/tray-menu.js';
import type { TrayMenuItem } from '../../main/electron/tray-menu.js';
import { UpdateController } from '../../main/electron/update-controller.js';

const labels = (items: TrayMenuItem[]) =>
  items.map((i) => (i.type === 'separator' ? '—' : i.label));

const idle: UpdateStatus = {
  state: 'idle',
  message: 'Crontray 1.0.0. Updates are checked every 6 hours.',
  version: null,
  checkedAt: null,
  canCheck: true,
};

describe('updates in the tray menu', () => {
  const base = { status: null, tasks: [], vaultWarning: null, now: 0 };

  it('offers "Check for updates" after "Open Crontray" when this copy updates itself', () => {
    const menu = buildTrayMenu({ ...base, update: idle });
    expect(labels(menu).slice(-3)).toEqual(['Open Crontray', 'Check for updates', 'Quit']);
    expect(menu.find((i) => i.type === 'normal' && i.label === 'Check for updates')).toMatchObject({
      enabled: true,
      command: { kind: 'checkUpdates' },
    });
  });

  it('has no update line when updates are off or not known yet', () => {
    const off: UpdateStatus = { ...idle, state: 'off', canCheck: false };
    expect(labels(buildTrayMenu({ ...base, update: off }))).not.toContain('Check for updates');
    expect(labels(buildTrayMenu(base))).not.toContain('Check for updates');
  });
});

describe('the updates channels', () => {
  let dir: string | null = null;
  let service: CrontrayService | null = null;

  afterEach(async () => {
    await service?.close('quit');
    if (dir) await rm(dir, { recursive: true, force: true });
    service = null;
    dir = null;
  });

  async function open(updates?: UpdateController) {
    dir = await mkdtemp(join(tmpdir(), 'crontray-updates-'));
    service = createService({
      dataDir: dir,
      version: '1.0.0',
      testMode: true,
      ...(updates ? { updates } : {}),
    });
    await service.open();
    return service;
  }

  it('answer "off" with a sentence where nothing updates itself', async () => {
    const s = await open();
    const status = await s.call('updates:check', undefined);
    expect(status).toMatchObject({ ok: true, value: { state: 'off', canCheck: false } });
    expect(status.ok && (status.value as UpdateStatus).message).toMatch(/does not update itself/);
  });

  it('"Check for updates" in the tray runs a check through the service', async () => {
    let checks = 0;
    const controller: UpdateController = new UpdateController({
      availability: { on: true },
      checker: {
        checkForUpdates: async () => {
          checks++;
          controller.notAvailable();
          return null;
        },
      },
      currentVersion: '1.0.0',
      clock: new VirtualClock(0),
      logger: silentLogger,
    });
    const s = await open(controller);
    await runTrayCommand(
      { kind: 'checkUpdates' },
      { service: s, openWindow: () => {}, quit: () => {}, logger: silentLogger },
    );
    expect(checks).toBe(1);
    expect(await s.call('updates:status', undefined)).toMatchObject({
      ok: true,
      value: { state: 'up-to-date', message: 'Crontray 1.0.0 is up to date.' },
    });
  });
});
