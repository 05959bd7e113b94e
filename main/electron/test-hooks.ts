import type { TrayMenuItem } from './tray-menu.js';

/**
 * The desktop launch test (test/desktop) reads the tray's menu model, which no OS exposes. The
 * query exists only when the test starts an unpackaged build with this switch: a packaged
 * build never has it, whatever its command line says.
 */
export const TEST_HOOKS_SWITCH = '--crontray-test-hooks';

/** Where the query hangs on the main process's globalThis (Playwright's electronApp.evaluate). */
export const TRAY_MENU_QUERY = '__crontrayTrayMenu';

export function testHooksEnabled(argv: readonly string[], isPackaged: boolean): boolean {
  return !isPackaged && argv.includes(TEST_HOOKS_SWITCH);
}

/** Installs the tray-menu query on `target` when hooks are enabled; returns whether it did. */
export function exposeTrayMenu(
  target: object,
  enabled: boolean,
  read: () => TrayMenuItem[],
): boolean {
  if (!enabled) return false;
  Object.defineProperty(target, TRAY_MENU_QUERY, { value: read, configurable: true });
  return true;
}
