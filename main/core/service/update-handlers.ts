import type { Handlers, UpdateStatus } from '../../api/contract.js';

/**
 * Where the updates channels get their answers: the desktop app's updater, or nothing. The core
 * never updates anything itself; the host that can (Electron, with electron-updater) passes one.
 */
export interface UpdateSource {
  status(): UpdateStatus;
  /** Checks now when a check can run; always resolves with the resulting status. */
  check(): Promise<UpdateStatus>;
}

/** Headless mode and library use: updates come with the desktop app's installers. */
export const noUpdates: UpdateSource = {
  status: () => ({
    state: 'off',
    message:
      'This copy of Crontray does not update itself: updates come with the desktop installers.',
    version: null,
    checkedAt: null,
    canCheck: false,
  }),
  check: async () => noUpdates.status(),
};

export function updateHandlers(
  source: UpdateSource,
): Pick<Handlers, 'updates:status' | 'updates:check'> {
  return {
    'updates:status': async () => source.status(),
    'updates:check': async () => source.check(),
  };
}
