import { LinuxConditions } from './linux-conditions.js';
import { MacConditions } from './macos-conditions.js';
import type { SystemConditions } from './system-conditions.js';
import { WindowsConditions } from './windows-conditions.js';

/** The headless provider for this OS (Linux's also serves other Unixes: files it cannot read say AC, no battery). */
export function osConditions(platform: NodeJS.Platform = process.platform): SystemConditions {
  if (platform === 'darwin') return new MacConditions();
  if (platform === 'win32') return new WindowsConditions();
  return new LinuxConditions();
}
