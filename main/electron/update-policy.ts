import type { UpdateStatus } from '../api/contract.js';

/**
 * When to check for updates and what to say about them: plain functions, no Electron, so every
 * decision is unit-tested. setup-updater.ts wires them to electron-updater.
 */

/** The first check waits until start-up work is done and the network is likely up. */
export const FIRST_CHECK_DELAY_MS = 2 * 60_000;
/** Then a check every six hours, and six hours after a failed one: a tray app runs for weeks. */
export const CHECK_INTERVAL_MS = 6 * 3_600_000;

/** Facts about this copy of the app that decide whether it may update itself. */
export interface BuildFacts {
  /** app.isPackaged: a development run has no installer to update. */
  isPackaged: boolean;
  platform: NodeJS.Platform;
  /** PORTABLE_EXECUTABLE_DIR, set by the Windows portable build's launcher. */
  portableDir: string | undefined;
  /** APPIMAGE, set by the AppImage runtime. */
  appImage: string | undefined;
  /** resources/package-type, written by electron-builder for deb and rpm; null for tar.gz. */
  linuxPackageType: string | null;
  /** resources/app-update.yml exists: electron-builder wrote a feed (GitHub releases). */
  feedConfigured: boolean;
}

export type UpdateAvailability = { on: true } | { on: false; reason: string };

/** Whether this copy updates itself; when not, the sentence Settings shows. */
export function updateAvailability(build: BuildFacts): UpdateAvailability {
  if (!build.isPackaged)
    return { on: false, reason: 'Updates are off in a development build (run from source).' };
  if (build.platform === 'win32' && build.portableDir)
    return {
      on: false,
      reason:
        'This portable copy does not update itself: download the new version from the releases page.',
    };
  if (build.platform === 'linux' && !build.appImage && !build.linuxPackageType)
    return {
      on: false,
      reason:
        'This copy (unpacked from tar.gz) does not update itself: use the AppImage or the deb package for automatic updates.',
    };
  if (!build.feedConfigured)
    return { on: false, reason: 'Updates are off: this build has no update feed configured.' };
  return { on: true };
}

/** The updater's own state, as update-controller.ts keeps it. */
export interface UpdaterState {
  phase: 'idle' | 'checking' | 'downloading' | 'up-to-date' | 'ready' | 'failed';
  /** The newer version found (downloading, ready). */
  version: string | null;
  /** Download progress, 0–100. */
  percent: number | null;
  checkedAt: number | null;
  /** Short reason of the last failure. */
  error: string | null;
}

export const initialUpdaterState: UpdaterState = {
  phase: 'idle',
  version: null,
  percent: null,
  checkedAt: null,
  error: null,
};

/**
 * Whether a check may start now. A check never overlaps another or a download, and once an
 * update is ready nothing is checked again: it installs when Crontray quits.
 */
export function mayCheck(availability: UpdateAvailability, state: UpdaterState): boolean {
  if (!availability.on) return false;
  return state.phase !== 'checking' && state.phase !== 'downloading' && state.phase !== 'ready';
}

/** What Settings and the tray show. */
export function updateStatus(
  availability: UpdateAvailability,
  state: UpdaterState,
  currentVersion: string,
): UpdateStatus {
  const base = { version: state.version, checkedAt: state.checkedAt };
  if (!availability.on)
    return { state: 'off', message: availability.reason, canCheck: false, ...base };
  const canCheck = mayCheck(availability, state);
  switch (state.phase) {
    case 'idle':
      return {
        state: 'idle',
        message: `Crontray ${currentVersion}. Updates are checked every 6 hours.`,
        canCheck,
        ...base,
      };
    case 'checking':
      return { state: 'checking', message: 'Checking for updates…', canCheck, ...base };
    case 'downloading': {
      const percent = state.percent === null ? '' : ` (${Math.floor(state.percent)} %)`;
      return {
        state: 'downloading',
        message: `Downloading Crontray ${state.version ?? 'update'}${percent}…`,
        canCheck,
        ...base,
      };
    }
    case 'up-to-date':
      return {
        state: 'up-to-date',
        message: `Crontray ${currentVersion} is up to date.`,
        canCheck,
        ...base,
      };
    case 'ready':
      return {
        state: 'ready',
        message: `Crontray ${state.version ?? ''} is ready: it installs when you quit Crontray.`,
        canCheck,
        ...base,
      };
    case 'failed':
      return {
        state: 'failed',
        message: `Could not check for updates (${state.error ?? 'unknown error'}). Crontray tries again in 6 hours, or check now.`,
        canCheck,
        ...base,
      };
  }
}

/** A native notice once, when an update becomes ready; never for checks or failures. */
export function readyNotice(
  previous: UpdateStatus,
  next: UpdateStatus,
): { title: string; body: string } | null {
  if (next.state !== 'ready' || previous.state === 'ready') return null;
  return {
    title: `Crontray ${next.version ?? ''} is ready`.replace(/\s+/g, ' ').trim(),
    body: 'The update installs when you quit Crontray.',
  };
}

/** One line for the log: an updater error can carry a whole HTTP response; keep its gist. */
export function shortReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = (text.split('\n')[0] ?? '').trim() || 'unknown error';
  return first.length > 160 ? `${first.slice(0, 159)}…` : first;
}

/** The tray's update lines: none while updates are off. */
export function trayUpdateItems(
  status: UpdateStatus | null | undefined,
): { label: string; enabled: boolean; checks: boolean }[] {
  if (!status || status.state === 'off') return [];
  if (status.state === 'ready')
    return [
      { label: `Update ${status.version ?? ''} installs on quit`, enabled: false, checks: false },
    ];
  if (status.state === 'checking' || status.state === 'downloading')
    return [{ label: status.message, enabled: false, checks: false }];
  return [{ label: 'Check for updates', enabled: status.canCheck, checks: true }];
}
