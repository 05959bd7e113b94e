import type { Cipher } from './cipher.js';

export const PLAINTEXT_BACKEND = 'plaintext (test mode)';
const PREFIX = 'plain:';

/**
 * Test mode only: stores the text as it is, so end-to-end tests can read the vault file. It says
 * so loudly everywhere the backend is shown.
 */
export class PlaintextCipher implements Cipher {
  readonly backend = PLAINTEXT_BACKEND;
  readonly secure = false;
  readonly warning =
    'TEST MODE: task actions, including secrets, are stored UNENCRYPTED in vault.json. Never use test mode for real tasks.';

  async encrypt(plain: string): Promise<string> {
    return PREFIX + plain;
  }

  async decrypt(cipherText: string): Promise<string> {
    if (!cipherText.startsWith(PREFIX)) {
      throw new Error(
        'PlaintextCipher: this entry is encrypted and test mode cannot read it; start without test mode to use it, or re-enter the action',
      );
    }
    return cipherText.slice(PREFIX.length);
  }
}
