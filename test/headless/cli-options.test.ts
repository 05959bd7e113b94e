import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { defaultDataDir, parseHeadlessArgs } from '../../main/headless/cli-options.js';

describe('headless command-line flags', () => {
  it('reads the data folder, port and modes', () => {
    expect(
      parseHeadlessArgs(['--data-dir', 'x', '--port', '8123', '--test-mode', '--start']),
    ).toEqual({
      dataDir: resolve('x'),
      port: 8123,
      testMode: true,
      autostart: true,
    });
  });

  it('defaults to a free port and the desktop app data folder', () => {
    const options = parseHeadlessArgs([]);
    expect(options).not.toBe('help');
    if (options !== 'help') {
      expect(options.port).toBe(0);
      expect(options.dataDir).toBe(resolve(defaultDataDir()));
    }
  });

  it('names the bad port and says what is allowed', () => {
    expect(() => parseHeadlessArgs(['--port', '70000'])).toThrow(
      /--port '70000' must be a whole number from 0 to 65535/,
    );
    expect(() => parseHeadlessArgs(['--port', 'abc'])).toThrow(/--port 'abc'/);
  });

  it('refuses unknown flags with the usage text', () => {
    expect(() => parseHeadlessArgs(['--host', '0.0.0.0'])).toThrow(/Usage: crontray-headless/);
  });

  it('uses the same per-user folder as Electron on each OS', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' })).toBe(
      join('C:\\Users\\a\\AppData\\Roaming', 'Crontray'),
    );
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/home/a/.config' })).toBe(
      '/home/a/.config/Crontray',
    );
    expect(defaultDataDir('darwin', {})).toMatch(/Library\/Application Support\/Crontray$/);
  });
});
