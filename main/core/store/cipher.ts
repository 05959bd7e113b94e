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
  /** Throws a DecryptError that says why (other key, tampered, other backend) and what to do. */
  decrypt(cipherText: string): Promise<string>;
  /** True when the last decrypt came from an outdated key: the vault then re-encrypts that entry. */
  needsReEncrypt?(): boolean;
}

/**
 * A vault entry a cipher cannot open. `detail` says why and what to do, in words for the user;
 * `message` adds the cipher's name for library callers and logs.
 */
export class DecryptError extends Error {
  readonly detail: string;

  constructor(cipherName: string, detail: string, options?: ErrorOptions) {
    super(`${cipherName}: ${detail}`, options);
    this.name = 'DecryptError';
    this.detail = detail;
  }
}
