import type { Logger } from '../core/log/logger.js';
import { handlePowerEvent } from './power-events.js';

/** The part of Electron's powerMonitor used here; tests pass an EventEmitter. */
export interface PowerMonitorApi {
  on(event: string, listener: () => void): unknown;
}

/** Sleep and wake: the service re-arms its timer and applies catch-up on resume. */
export function setupPower(powerMonitor: PowerMonitorApi, service: object, logger: Logger): void {
  powerMonitor.on('suspend', () => void handlePowerEvent(service, 'suspend', logger));
  powerMonitor.on('resume', () => void handlePowerEvent(service, 'resume', logger));
}
