import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, open, readFile, stat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cipher } from './cipher.js';
import { DecryptError } from './cipher.js';

export const AES_GCM_BACKEND = 'aes-256-gcm';
/** Version prefix: a future format gets a new one and old entries stay readable. */
const PREFIX = 'aesgcm1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface AesGcmCipherOpenOptions {
  /** Where the key file lives (created there if missing and no key is in the environment). */
  dataDir: string;
  /** Read for CRONTRAY_KEY. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Name of the key file inside dataDir. Default 'vault.key'. */
  keyFileName?: string;
}

/**
 * Headless vault encryption: AES-256-GCM, a random 12-byte nonce per entry and the GCM tag, so a
 * changed byte is detected. Each ciphertext names a short id of its key, which tells "another key"
 * (lost or replaced key file) apart from "damaged".
 * Format: `aesgcm1:<key id>:<base64 of nonce | tag | ciphertext>`.
 */
export class AesGcmCipher implements Cipher {
  readonly backend = AES_GCM_BACKEND;
  readonly secure = true;
  readonly warning?: string;
  /** Where the key came from, for status screens. */
  readonly keySource: 'env' | 'key file';
  /** The key file's path when the key came from one. */
  readonly keyFile: string | null;
  /** True when this start created a new key file. */
  readonly keyCreated: boolean;
  readonly #key: Buffer;
  readonly #keyId: string;

  constructor(
    key: Buffer,
    info: {
      keySource?: 'env' | 'key file';
      keyFile?: string | null;
      keyCreated?: boolean;
      warning?: string;
    } = {},
  ) {
    if (key.length !== KEY_BYTES) {
      throw new Error(
        `AesGcmCipher: the key is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`,
      );
    }
    this.#key = Buffer.from(key);
    this.#keyId = keyId(key);
    this.keySource = info.keySource ?? 'env';
    this.keyFile = info.keyFile ?? null;
    this.keyCreated = info.keyCreated ?? false;
    if (info.warning !== undefined) this.warning = info.warning;
  }

  /** A short, non-secret fingerprint of the key (first 8 hex digits of its SHA-256). */
  get keyId(): string {
    return this.#keyId;
  }

  /** The key from CRONTRAY_KEY if set, else from <dataDir>/vault.key, created (mode 0600) if missing. */
  static async open(options: AesGcmCipherOpenOptions): Promise<AesGcmCipher> {
    const fromEnv = (options.env ?? process.env).CRONTRAY_KEY;
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      return new AesGcmCipher(parseKey(fromEnv, 'CRONTRAY_KEY'), { keySource: 'env' });
    }
    const keyFile = join(options.dataDir, options.keyFileName ?? 'vault.key');
    const created = await createKeyFile(keyFile);
    const key = parseKey(await readFile(keyFile, 'utf8'), `key file ${keyFile}`);
    let warning: string | undefined;
    if (process.platform !== 'win32') {
      const mode = (await stat(keyFile)).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        warning = `The vault key file ${keyFile} can be read by other users (mode ${mode.toString(8)}); run chmod 600 on it.`;
      }
    }
    return new AesGcmCipher(key, {
      keySource: 'key file',
      keyFile,
      keyCreated: created,
      ...(warning !== undefined ? { warning } : {}),
    });
  }

  async encrypt(plain: string): Promise<string> {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const packed = Buffer.concat([nonce, cipher.getAuthTag(), body]);
    return `${PREFIX}:${this.#keyId}:${packed.toString('base64')}`;
  }

  async decrypt(cipherText: string): Promise<string> {
    const [prefix, id, data, ...rest] = cipherText.split(':');
    if (prefix !== PREFIX || id === undefined || data === undefined || rest.length > 0) {
      throw new DecryptError(
        'AesGcmCipher',
        `this entry is not in the ${AES_GCM_BACKEND} format (it starts '${cipherText.slice(0, 8)}'); it was written by another backend or damaged. Re-enter the action.`,
      );
    }
    if (id !== this.#keyId) {
      throw new DecryptError(
        'AesGcmCipher',
        `this entry was encrypted with another key (id ${id}; the current key is ${this.#keyId}). Restore the vault.key file or CRONTRAY_KEY that was in use, or re-enter the action.`,
      );
    }
    const packed = Buffer.from(data, 'base64');
    if (packed.length < NONCE_BYTES + TAG_BYTES) {
      throw new DecryptError(
        'AesGcmCipher',
        'this entry is too short to be a ciphertext; it was damaged. Re-enter the action.',
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, packed.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(packed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(packed.subarray(NONCE_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new DecryptError(
        'AesGcmCipher',
        'this entry failed authentication: it was altered or damaged after it was written. Re-enter the action.',
      );
    }
  }
}

/** A fresh random key as the text a key file or CRONTRAY_KEY holds (base64). */
export function generateKeyText(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Accepts 64 hex digits or base64 of exactly 32 bytes. */
function parseKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const key = Buffer.from(trimmed, 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new Error(
    `AesGcmCipher: ${source} is not a 32-byte key; give 64 hex digits or base64 of 32 bytes (e.g. the output of: openssl rand -base64 32)`,
  );
}

/**
 * Creates the key file only if it does not exist ('wx'), so two starts racing never replace each
 * other's key, and an existing key (even one that fails to parse) is never overwritten.
 */
async function createKeyFile(path: string): Promise<boolean> {
  await mkdir(join(path, '..'), { recursive: true });
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${generateKeyText()}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask could have narrowed the mode further but never widened it; chmod makes it exact.
  if (process.platform !== 'win32') await chmod(path, 0o600);
  return true;
}
