import type { Logger } from '../core/log/logger.js';

/**
 * What the service may offer for sleep and wake. The engine re-arms its timer and applies each
 * task's catch-up policy on resume; until the service has these methods, they are skipped
 * (its timer never sleeps more than ~30 s, so it still notices the gap on its own).
 */
export interface PowerAware {
  suspend?: () => Promise<void> | void;
  resume?: () => Promise<void> | void;
}

/** The powerMonitor events Crontray reacts to. */
export type PowerEvent = 'suspend' | 'resume';

/** Forwards one powerMonitor event to the service; never throws into Electron. */
export async function handlePowerEvent(
  service: object,
  event: PowerEvent,
  logger: Logger,
): Promise<void> {
  const hook = (service as PowerAware)[event];
  if (typeof hook !== 'function') {
    logger.debug(`Power: ${event}: the service has no ${event}() hook yet`);
    return;
  }
  try {
    await hook.call(service);
  } catch (error) {
    logger.error(
      `Power: ${event} handling failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
