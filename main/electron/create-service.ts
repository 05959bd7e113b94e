import { CrontrayService } from '../core/service/service.js';
import type { ServiceOptions } from '../core/service/service.js';

/**
 * The one place the desktop app builds its service, so new constructor options (cipher, clock,
 * ...) are wired here only.
 */
export function createService(options: Omit<ServiceOptions, 'host'>): CrontrayService {
  return new CrontrayService({ ...options, host: 'electron' });
}
