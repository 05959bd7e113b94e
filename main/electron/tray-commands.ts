import type { Logger } from '../core/log/logger.js';
import type { ServiceCaller } from './setup-ipc.js';
import type { TrayCommand } from './tray-menu.js';

export interface TrayCommandTargets {
  service: ServiceCaller;
  openWindow(): void;
  quit(): void;
  logger: Logger;
}

/**
 * Carries out a tray menu command through the same contract the window uses, so the tray
 * gets the same validation and events. A refusal is logged, never thrown into Electron's menu.
 */
export async function runTrayCommand(
  command: TrayCommand,
  targets: TrayCommandTargets,
): Promise<void> {
  const call = async (channel: string, payload?: unknown) => {
    const envelope = await targets.service.call(channel, payload);
    if (!envelope.ok) targets.logger.warn(`Tray: ${channel} failed: ${envelope.error.message}`);
  };
  switch (command.kind) {
    case 'start':
      return call('scheduler:start');
    case 'stop':
      return call('scheduler:stop');
    case 'pause':
      return call('scheduler:pause', { minutes: command.minutes });
    case 'resume':
      return call('scheduler:pause', { minutes: 0 });
    case 'until':
      return call('scheduler:until', { until: command.at });
    case 'runAgain':
      return call('scheduler:until', { until: null });
    case 'untilPick':
      return targets.openWindow();
    case 'runNow':
      return call('tasks:runNow', { id: command.taskId });
    case 'open':
      return targets.openWindow();
    case 'checkUpdates':
      return call('updates:check');
    case 'quit':
      return targets.quit();
  }
}
