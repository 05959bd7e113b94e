import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import type { SealedSecrets } from './bundle-format.js';

/** scrypt cost: N=2^15, r=8 needs 32 MiB and about 0.1 s per derivation on these machines. */
const COST = { N: 2 ** 15, r: 8, p: 1 };

export class WrongPassphraseError extends Error {}

function deriveKey(
  passphrase: string,
  salt: Buffer,
  cost: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem above 128*N*r: Node's default (32 MiB) is exactly the need and refuses it.
    scrypt(passphrase, salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Encrypts `plaintext` with AES-256-GCM under a key derived from the passphrase with scrypt.
 * `aad` (the bundle's checksum) is authenticated too, so secrets cannot be moved to another
 * bundle.
 */
export async function seal(
  plaintext: string,
  passphrase: string,
  aad: string,
): Promise<SealedSecrets> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(passphrase, salt, COST);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    kdf: 'scrypt',
    ...COST,
    salt: salt.toString('base64'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Decrypts what seal() wrote; a wrong passphrase or changed bytes throw WrongPassphraseError. */
export async function unseal(
  sealed: SealedSecrets,
  passphrase: string,
  aad: string,
): Promise<string> {
  const key = await deriveKey(passphrase, Buffer.from(sealed.salt, 'base64'), sealed);
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== 12 || tag.length !== 16) {
    throw new WrongPassphraseError('the sealed secrets are damaged (bad iv or tag length)');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.data, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new WrongPassphraseError(
      'the passphrase is wrong, or the secrets in the bundle were changed',
    );
  }
}
