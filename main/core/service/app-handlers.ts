import type { Handlers } from '../../api/contract.js';
import type { Clock } from '../time/clock.js';
import { VirtualClock } from '../time/virtual-clock.js';
import type { CoreParts } from './core-parts.js';
import type { ServiceOptions } from './service.js';
import { ServiceError } from './service-error.js';

type AppChannel = 'app:info' | 'settings:get' | 'settings:set' | 'clock:advance';

/** What the app is, its settings, and test mode's clock. */
export function appHandlers(
  o: ServiceOptions,
  clock: Clock,
  parts: () => CoreParts,
  /** Waits for the work a clock step set off (alerts), so a test reads a settled state. */
  settle: () => Promise<void>,
): Pick<Handlers, AppChannel> {
  return {
    'app:info': async () => ({
      name: 'Crontray',
      version: o.version,
      host: o.host,
      testMode: o.testMode ?? false,
      dataDir: o.dataDir,
      platform: process.platform,
      versions: { node: process.versions.node, electron: null, chrome: null, ...o.versions },
    }),
    'settings:get': async () => parts().store.getSettings(),
    'settings:set': async (patch) => {
      const p = parts();
      const settings = p.store.setSettings(patch);
      await p.store.saved();
      if (patch.retention) p.retention.setPolicy(settings.retention);
      if (patch.globalConcurrency !== undefined)
        p.engine.setGlobalConcurrency(settings.globalConcurrency);
      return settings;
    },
    'clock:advance': async ({ ms }) => {
      if (!(clock instanceof VirtualClock)) {
        throw new ServiceError(
          'unavailable',
          'clock:advance needs the virtual clock of --test-mode.',
        );
      }
      await clock.advance(ms);
      await settle();
      await parts().jobs.refresh();
      return { now: clock.now() };
    },
  };
}
