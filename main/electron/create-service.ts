import { CrontrayService } from '../core/service/service.js';
import type { ServiceOptions } from '../core/service/service.js';

/**
 * The one place the desktop app builds its service, so new constructor options (cipher, clock,
 * ...) are wired here only.
 */
export function createService(
  options: Omit<ServiceOptions, 'host'>,
  env: NodeJS.ProcessEnv = process.env,
): CrontrayService {
  // Until Settings has a Redis field (kept in the vault), the desktop reads it like headless does.
  const redisUrl = options.redisUrl ?? (env.CRONTRAY_REDIS_URL || undefined);
  return new CrontrayService({
    ...options,
    ...(redisUrl !== undefined ? { redisUrl } : {}),
    host: 'electron',
  });
}
