import { describe, expect, it } from 'vitest';
import {
  TEST_HOOKS_SWITCH,
  TRAY_MENU_QUERY,
  exposeTrayMenu,
  testHooksEnabled,
} from '../../main/electron/test-hooks.js';
import { buildTrayMenu } from '../../main/electron/tray-menu.js';

describe("the launch test's tray-menu query", () => {
  it('is on for an unpackaged build started with the test switch', () => {
    expect(testHooksEnabled(['/x/electron', '/x/app', TEST_HOOKS_SWITCH], false)).toBe(true);
  });

  it('is off in a packaged build, even when started with the switch', () => {
    expect(testHooksEnabled(['/opt/Crontray/crontray', TEST_HOOKS_SWITCH], true)).toBe(false);
  });

  it('is off without the switch', () => {
    expect(testHooksEnabled(['/x/electron', '/x/app'], false)).toBe(false);
    expect(testHooksEnabled(['/x/electron', `${TEST_HOOKS_SWITCH}=1`], false)).toBe(false);
  });

  it('hangs the current menu model on the target only when enabled', () => {
    const menu = buildTrayMenu({ status: null, tasks: [], vaultWarning: null, now: 0 });
    const open: Record<string, unknown> = {};
    const closed: Record<string, unknown> = {};
    expect(exposeTrayMenu(open, true, () => menu)).toBe(true);
    expect(exposeTrayMenu(closed, false, () => menu)).toBe(false);
    expect((open[TRAY_MENU_QUERY] as () => unknown)()).toBe(menu);
    expect(TRAY_MENU_QUERY in closed).toBe(false);
  });
});
