import { describe, expect, it } from 'vitest';
import type { SafeStorageApi } from '../../main/electron/safe-storage-cipher.js';
import { setupVault } from '../../main/electron/setup-vault.js';
import { vaultWarning } from '../../main/electron/vault-warning.js';
import { recordingLogger } from '../support/recording-logger.js';

/** Stands in for safeStorage: only what setupVault reads before any encryption happens. */
function safeStorage(available: boolean, backend = 'gnome_libsecret'): SafeStorageApi {
  return {
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () =>
      backend as ReturnType<SafeStorageApi['getSelectedStorageBackend']>,
    encryptStringAsync: async () => Buffer.alloc(0),
    decryptStringAsync: async () => ({ result: '', shouldReEncrypt: false }),
  };
}

describe('the vault warning', () => {
  it('warns when the keychain is unavailable and when Linux falls back to basic_text', () => {
    expect(vaultWarning({ available: false, linuxBackend: null })).toMatch(
      /keychain is not available/,
    );
    expect(vaultWarning({ available: true, linuxBackend: 'basic_text' })).toMatch(/basic_text/);
  });

  it('says nothing when secrets are protected by the OS', () => {
    expect(vaultWarning({ available: true, linuxBackend: null })).toBeNull();
    expect(vaultWarning({ available: true, linuxBackend: 'gnome_libsecret' })).toBeNull();
  });
});

describe('choosing the vault cipher at start', () => {
  it('uses the OS keychain quietly when it can encrypt', async () => {
    const vault = await setupVault(safeStorage(true), recordingLogger(), 'linux');
    expect(vault.cipher?.backend).toBe('electron-safeStorage (gnome_libsecret)');
    expect(vault.warning).toBeNull();
  });

  it('falls back to the key file and says why when the keychain cannot encrypt', async () => {
    const logger = recordingLogger();
    const vault = await setupVault(safeStorage(false), logger, 'linux');
    expect(vault.cipher).toBeUndefined();
    expect(vault.warning).toMatch(/^The system keychain is not available/);
    expect(logger.messages('warn')).toHaveLength(1);
  });

  it("keeps the keychain but warns when Linux only offers 'basic_text'", async () => {
    const vault = await setupVault(safeStorage(true, 'basic_text'), recordingLogger(), 'linux');
    expect(vault.cipher?.secure).toBe(false);
    expect(vault.warning).toMatch(/only obfuscated/);
  });
});
