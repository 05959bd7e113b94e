/**
 * Encrypts vault entries. Implementations: AesGcmCipher (headless, key file or CRONTRAY_KEY),
 * PlaintextCipher (explicit test mode) and the Electron safeStorage cipher in main/electron.
 */
export interface Cipher {
  /** Recorded with every entry it writes, so a backend change is recognised rather than guessed. */
  readonly backend: string;
  /** False for test mode and for Linux safeStorage on 'basic_text'; the UI warns. */
  readonly secure: boolean;
  /** Shown to the user beside the backend when set. */
  readonly warning?: string;
  encrypt(plain: string): Promise<string>;
  /** Throws an Error whose message says why (other key, tampered, other backend) and what to do. */
  decrypt(cipherText: string): Promise<string>;
  /** True when the last decrypt came from an outdated key: the vault then re-encrypts that entry. */
  needsReEncrypt?(): boolean;
}
