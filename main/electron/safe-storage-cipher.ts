import type { SafeStorage } from 'electron';
import type { Cipher } from '../core/store/cipher.js';
import { DecryptError } from '../core/store/cipher.js';
import { vaultWarning } from './vault-warning.js';

/** The part of Electron's safeStorage the cipher uses; tests pass a small object with these. */
export type SafeStorageApi = Pick<
  SafeStorage,
  | 'encryptStringAsync'
  | 'decryptStringAsync'
  | 'isAsyncEncryptionAvailable'
  | 'getSelectedStorageBackend'
>;

/** Version prefix of the stored text: `ss1:<base64 of safeStorage's bytes>`. */
const PREFIX = 'ss1:';

/**
 * The desktop vault cipher: Electron safeStorage through its async API (OS keychain, DPAPI, or
 * libsecret/KWallet). On Linux the keyring in use is part of the backend name, so an entry
 * written under one keyring and read under another is reported as a backend change, and a
 * 'basic_text' store (only obfuscation) counts as not secure and carries a warning.
 */
export class SafeStorageCipher implements Cipher {
  readonly backend: string;
  readonly secure: boolean;
  readonly warning?: string;
  readonly #safeStorage: SafeStorageApi;
  #reEncrypt = false;

  /** Use `open()`: it checks availability first. */
  constructor(safeStorage: SafeStorageApi, linuxBackend: string | null) {
    this.#safeStorage = safeStorage;
    this.backend =
      linuxBackend === null ? 'electron-safeStorage' : `electron-safeStorage (${linuxBackend})`;
    this.secure = linuxBackend !== 'basic_text' && linuxBackend !== 'unknown';
    const warning = vaultWarning({ available: true, linuxBackend });
    if (warning !== null) this.warning = warning;
  }

  /**
   * Call after the app is ready. Throws when safeStorage cannot encrypt at all: the caller decides
   * what to do (tell the user), rather than the vault quietly falling back to something weaker.
   */
  static async open(
    safeStorage: SafeStorageApi,
    platform: NodeJS.Platform = process.platform,
  ): Promise<SafeStorageCipher> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new Error(
        `SafeStorageCipher: ${vaultWarning({ available: false, linuxBackend: null }) ?? 'encryption is not available'}`,
      );
    }
    const linuxBackend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
    return new SafeStorageCipher(safeStorage, linuxBackend);
  }

  async encrypt(plain: string): Promise<string> {
    const bytes = await this.#safeStorage.encryptStringAsync(plain);
    return PREFIX + bytes.toString('base64');
  }

  async decrypt(cipherText: string): Promise<string> {
    this.#reEncrypt = false;
    if (!cipherText.startsWith(PREFIX)) {
      throw new DecryptError(
        'SafeStorageCipher',
        `this entry is not in the safeStorage format (it starts '${cipherText.slice(0, 8)}'); it was written by another backend. Re-enter the action.`,
      );
    }
    try {
      const { result, shouldReEncrypt } = await this.#safeStorage.decryptStringAsync(
        Buffer.from(cipherText.slice(PREFIX.length), 'base64'),
      );
      this.#reEncrypt = shouldReEncrypt;
      return result;
    } catch (error) {
      throw new DecryptError(
        'SafeStorageCipher',
        `the system keychain could not decrypt this entry (${error instanceof Error ? error.message : String(error)}); it was written under another user account, machine or keychain, or damaged. Re-enter the action.`,
        { cause: error },
      );
    }
  }

  /** safeStorage's shouldReEncrypt for the last decrypt (the key was rotated or upgraded). */
  needsReEncrypt(): boolean {
    return this.#reEncrypt;
  }
}
