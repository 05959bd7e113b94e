import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from '../../main/electron/window-options.js';
import {
  externalUrlAllowed,
  navigationAllowed,
  permissionAllowed,
  windowOpenDecision,
} from '../../main/electron/window-policy.js';

describe('the main window options', () => {
  const options = mainWindowOptions({ preloadPath: '/app/dist/preload/preload.cjs' });

  it('isolate and sandbox the page with no Node and web security on', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('load the bundled preload and show the window only when ready', () => {
    expect(options.webPreferences?.preload).toBe('/app/dist/preload/preload.cjs');
    expect(options.show).toBe(false);
    expect(options.title).toBe('Crontray');
  });

  it('set the window icon only when one is given', () => {
    expect(options.icon).toBeUndefined();
    expect(mainWindowOptions({ preloadPath: '/p.cjs', iconPath: '/i.png' }).icon).toBe('/i.png');
  });
});

describe('the window policy', () => {
  it('allows navigation only within app://crontray', () => {
    expect(navigationAllowed('app://crontray/index.html')).toBe(true);
    expect(navigationAllowed('https://example.com/')).toBe(false);
    expect(navigationAllowed('file:///etc/passwd')).toBe(false);
    expect(navigationAllowed('app://elsewhere/')).toBe(false);
  });

  it('never opens a new window, and sends only https links to the browser', () => {
    expect(windowOpenDecision('https://crontab.guru/')).toEqual({
      action: 'deny',
      openExternally: 'https://crontab.guru/',
    });
    expect(windowOpenDecision('http://example.com/')).toEqual({
      action: 'deny',
      openExternally: null,
    });
    expect(windowOpenDecision('file:///C:/Windows/System32/calc.exe')).toEqual({
      action: 'deny',
      openExternally: null,
    });
    expect(windowOpenDecision('javascript:alert(1)')).toEqual({
      action: 'deny',
      openExternally: null,
    });
    expect(windowOpenDecision('app://crontray/index.html')).toEqual({
      action: 'deny',
      openExternally: null,
    });
  });

  it('refuses external URLs with credentials or odd schemes', () => {
    expect(externalUrlAllowed('https://user:pw@example.com/')).toBe(false);
    expect(externalUrlAllowed('smb://server/share')).toBe(false);
    expect(externalUrlAllowed('not a url')).toBe(false);
  });

  it('denies every web permission', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
    ]) {
      expect(permissionAllowed(permission)).toBe(false);
    }
  });
});
