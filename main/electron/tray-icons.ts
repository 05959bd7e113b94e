import { join } from 'node:path';
import type { TrayIconState } from './tray-menu.js';

/**
 * The tray image file for a state. macOS gets monochrome "Template" images, which the menu bar
 * recolours for light and dark; the others get coloured ones. Files are made by
 * scripts/build-icons.js into dist/main/electron/icons (with @2x variants Electron picks itself).
 */
export function trayIconPath(
  iconDir: string,
  state: TrayIconState,
  platform: NodeJS.Platform,
): string {
  return join(iconDir, platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`);
}
