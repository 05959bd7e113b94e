import type { Settings } from 'electron';

/** The argument a login launch carries, so the app starts in the tray without a window. */
export const HIDDEN_ARG = '--hidden';

/** What app.setLoginItemSettings receives for the user's startAtLogin setting. */
export function loginItemSettings(startAtLogin: boolean): Settings {
  return { openAtLogin: startAtLogin, args: startAtLogin ? [HIDDEN_ARG] : [] };
}

/** True when this launch came from the login item: start in the tray, no window. */
export function launchedHidden(argv: readonly string[]): boolean {
  return argv.includes(HIDDEN_ARG);
}
