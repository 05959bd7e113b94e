import { describe, expect, it } from 'vitest';
import type { Settings as LoginItemSettings } from 'electron';
import { DesktopSettings } from '../../main/electron/desktop-settings.js';
import type { LoginItemHost } from '../../main/electron/desktop-settings.js';
import { HIDDEN_ARG, launchedHidden, loginItemSettings } from '../../main/electron/login-item.js';
import { recordingLogger } from '../support/recording-logger.js';

/** Stands in for Electron's app: records what the OS would have been told. */
function loginItems(
  isPackaged: boolean,
  fail = false,
): LoginItemHost & { set: LoginItemSettings[] } {
  const set: LoginItemSettings[] = [];
  return {
    isPackaged,
    set,
    setLoginItemSettings: (settings) => {
      if (fail) throw new Error('the session bus is gone');
      set.push(settings);
    },
  };
}

describe('start at login', () => {
  it('registers a hidden login item when on and removes it when off', () => {
    expect(loginItemSettings(true)).toEqual({ openAtLogin: true, args: [HIDDEN_ARG] });
    expect(loginItemSettings(false)).toEqual({ openAtLogin: false, args: [] });
  });

  it('starts in the tray without a window when launched at login', () => {
    expect(launchedHidden(['/opt/Crontray/crontray', HIDDEN_ARG])).toBe(true);
    expect(launchedHidden(['/opt/Crontray/crontray'])).toBe(false);
  });

  it('tells the OS each time the user turns it on or off', () => {
    const host = loginItems(true);
    const settings = new DesktopSettings(host, recordingLogger());
    settings.apply({ startAtLogin: true, notifications: true });
    settings.apply({ startAtLogin: false, notifications: true });
    expect(host.set).toEqual([
      { openAtLogin: true, args: [HIDDEN_ARG] },
      { openAtLogin: false, args: [] },
    ]);
  });

  it('leaves the login items alone in a development run', () => {
    const host = loginItems(false);
    new DesktopSettings(host, recordingLogger()).apply({ startAtLogin: true, notifications: true });
    expect(host.set).toEqual([]);
  });

  it('logs a login item the OS refused and still applies the notification setting', () => {
    const logger = recordingLogger();
    const settings = new DesktopSettings(loginItems(true, true), logger);
    settings.apply({ startAtLogin: true, notifications: false });
    expect(settings.notifications).toBe(false);
    expect(logger.messages('warn')).toEqual([
      'Login item: could not update: the session bus is gone',
    ]);
  });
});
