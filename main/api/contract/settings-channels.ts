import type { z } from 'zod';
import { settingsPatchSchema } from '../../core/store/config-schema.js';
import type { Settings, SettingsPatch } from '../../core/store/config-schema.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';
import { empty } from './request-parts.js';

/** The app's settings: config-schema.ts is their one schema, with each field's default. */
export type { Settings, SettingsPatch };

/** What Settings and the tray say about updates; main/electron/update-policy.ts decides it. */
export interface UpdateStatus {
  /**
   * off: this copy does not update itself (headless, development, portable, no feed);
   * ready: downloaded, installed when Crontray quits.
   */
  state: 'off' | 'idle' | 'checking' | 'downloading' | 'up-to-date' | 'ready' | 'failed';
  /** One sentence for the user. */
  message: string;
  /** The newer version being downloaded or ready; null otherwise. */
  version: string | null;
  /** When the last check finished (epoch ms); null before the first. */
  checkedAt: number | null;
  /** Whether "Check for updates" does anything right now. */
  canCheck: boolean;
}

/** Settings and the desktop updater. */
export const settingsChannels = {
  'settings:get': channel<Settings>()(empty),
  'settings:set': channel<Settings>()(settingsPatchSchema),

  /** The desktop app's updater; headless mode answers 'off'. */
  'updates:status': channel<UpdateStatus>()(empty),
  /** Checks now (Settings and the tray's "Check for updates"); answers the status it led to. */
  'updates:check': channel<UpdateStatus>()(empty),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
