import type { Logger } from '../core/log/logger.js';
import { handlePowerEvent } from './power-events.js';

/** The part of Electron's powerMonitor used here; tests pass an EventEmitter. */
export interface PowerMonitorApi {
  on(event: string, listener: () => void): unknown;
}

/**
 * Sleep and wake: on resume the service runs "after the machine wakes" tasks at once (not when
 * its late timer notices, up to 30 s later), re-arms its timer and applies catch-up.
 */
export function setupPower(powerMonitor: PowerMonitorApi, service: object, logger: Logger): void {
  powerMonitor.on('suspend', () => void handlePowerEvent(service, 'suspend', logger));
  powerMonitor.on('resume', () => void handlePowerEvent(service, 'resume', logger));
}
