import type { Logger } from '../core/log/logger.js';
import type { Cipher } from '../core/store/cipher.js';
import { SafeStorageCipher } from './safe-storage-cipher.js';
import type { SafeStorageApi } from './safe-storage-cipher.js';
import { vaultWarning } from './vault-warning.js';

export interface VaultSetup {
  /** The OS keychain's cipher; undefined when the OS cannot encrypt. */
  cipher: Cipher | undefined;
  /** What the tray and the window say about it; null when secrets are safe. */
  warning: string | null;
}

/**
 * The vault's cipher: safeStorage when the OS can encrypt; otherwise none, so the service falls
 * back to its AES-GCM key file, and the warning says so in the tray.
 */
export async function setupVault(
  safeStorage: SafeStorageApi,
  logger: Logger,
  platform: NodeJS.Platform = process.platform,
): Promise<VaultSetup> {
  try {
    const cipher = await SafeStorageCipher.open(safeStorage, platform);
    return { cipher, warning: cipher.warning ?? null };
  } catch (error) {
    logger.warn(error instanceof Error ? error.message : String(error));
    return { cipher: undefined, warning: vaultWarning({ available: false, linuxBackend: null }) };
  }
}
