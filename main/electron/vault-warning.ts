/** What safeStorage reports, read once at startup. */
export interface SafeStorageReport {
  /** safeStorage.isAsyncEncryptionAvailable(). */
  available: boolean;
  /** safeStorage.getSelectedStorageBackend() on Linux; null elsewhere. */
  linuxBackend: string | null;
}

/**
 * The warning shown in the tray tooltip and the window when task secrets are not protected by
 * the OS keychain; null when they are.
 */
export function vaultWarning(report: SafeStorageReport): string | null {
  if (!report.available) {
    return "The system keychain is not available, so task secrets are protected only by a key file in Crontray's data folder. Unlock or install a keychain (e.g. GNOME Keyring, KWallet) and restart Crontray.";
  }
  if (report.linuxBackend === 'basic_text') {
    return "Secrets are only obfuscated: Linux reports the 'basic_text' store (no keyring found). Install GNOME Keyring or KWallet and restart Crontray.";
  }
  return null;
}
