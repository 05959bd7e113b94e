import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { setupConditions } from '../../main/electron/setup-conditions.js';

/** powerMonitor and net as Electron gives them, with state a test sets. */
function standIn() {
  const state = { onBattery: false, idle: 0, online: true };
  const powerMonitor = Object.assign(new EventEmitter(), {
    isOnBatteryPower: () => state.onBattery,
    getSystemIdleTime: () => state.idle,
  });
  return { state, powerMonitor, net: { isOnline: () => state.online } };
}

describe('conditions in the desktop app', () => {
  it('reads battery, idle time and the network from powerMonitor and net', async () => {
    const electron = standIn();
    const conditions = setupConditions(electron);
    expect(await conditions.onAcPower()).toEqual({ onAc: true, text: 'on AC power' });
    electron.state.onBattery = true;
    electron.state.idle = 420;
    electron.state.online = false;
    expect(await conditions.onAcPower()).toEqual({ onAc: false, text: 'on battery' });
    expect(await conditions.idleSeconds()).toEqual({ seconds: 420, text: 'no input for 420 s' });
    expect(await conditions.networkUp()).toEqual({ up: false, text: 'the computer is offline' });
  });

  it('tells the engine when the charger goes in or out and when the machine wakes, until it stops listening', () => {
    const electron = standIn();
    const conditions = setupConditions(electron);
    const heard: string[] = [];
    const stop = conditions.onChange((change) => heard.push(change));
    electron.powerMonitor.emit('on-ac');
    electron.powerMonitor.emit('on-battery');
    electron.powerMonitor.emit('resume');
    stop();
    electron.powerMonitor.emit('on-ac');
    expect(heard).toEqual(['power', 'power', 'resume']);
  });
});
