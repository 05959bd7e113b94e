import { readFile } from 'node:fs/promises';
import { AesGcmCipher } from '../store/cipher-aes-gcm.js';

/** Environment variable a worker (or controller) may take the cluster key from. */
export const CLUSTER_KEY_ENV = 'CRONTRAY_CLUSTER_KEY';
/** The controller's key file inside its data folder. */
export const CLUSTER_KEY_FILE = 'cluster.key';

/**
 * The key actions travel under through Redis: AES-256-GCM, so Redis (and anyone reading it)
 * sees only ciphertext, and a changed byte is detected. It is not the vault key: a worker needs
 * the cluster's key, never the desktop's.
 */
export class ClusterKey {
  readonly #cipher: AesGcmCipher;

  private constructor(cipher: AesGcmCipher) {
    this.#cipher = cipher;
  }

  /** A short, non-secret fingerprint, published in Redis so workers can check theirs. */
  get id(): string {
    return this.#cipher.keyId;
  }

  /** Where the key came from, for the controller's status: 'env' or the key file's path. */
  get source(): string {
    return this.#cipher.keyFile ?? 'env';
  }

  /**
   * The controller's key: CRONTRAY_CLUSTER_KEY if set, else <dataDir>/cluster.key, created
   * (mode 0600) on first use. Workers are given a copy of that file or the variable.
   */
  static async forController(dataDir: string, env = process.env): Promise<ClusterKey> {
    const fromEnv = env[CLUSTER_KEY_ENV];
    const cipher = await AesGcmCipher.open({
      dataDir,
      keyFileName: CLUSTER_KEY_FILE,
      env: fromEnv !== undefined && fromEnv.trim() !== '' ? { CRONTRAY_KEY: fromEnv } : {},
    });
    return new ClusterKey(cipher);
  }

  /**
   * A worker's key, from `keyFile` when given, else CRONTRAY_CLUSTER_KEY. A worker never creates
   * a key: without the controller's, it could read nothing.
   */
  static async forWorker(keyFile: string | undefined, env = process.env): Promise<ClusterKey> {
    let text: string | undefined;
    let source: string;
    if (keyFile !== undefined) {
      source = `key file ${keyFile}`;
      try {
        text = await readFile(keyFile, 'utf8');
      } catch (error) {
        throw new Error(
          `Cluster worker: cannot read the cluster key file ${keyFile} (${(error as NodeJS.ErrnoException).code ?? String(error)}); copy cluster.key from the controller's data folder`,
          { cause: error },
        );
      }
    } else {
      source = CLUSTER_KEY_ENV;
      text = env[CLUSTER_KEY_ENV];
      if (text === undefined || text.trim() === '') {
        throw new Error(
          `Cluster worker: no cluster key; pass --key-file <path to the controller's cluster.key> or set ${CLUSTER_KEY_ENV}`,
        );
      }
    }
    try {
      return new ClusterKey(await AesGcmCipher.open({ dataDir: '.', env: { CRONTRAY_KEY: text } }));
    } catch {
      throw new Error(
        `Cluster worker: the cluster key in ${source} is not a 32-byte key (64 hex digits or base64); copy cluster.key from the controller's data folder`,
      );
    }
  }

  encrypt(plain: string): Promise<string> {
    return this.#cipher.encrypt(plain);
  }

  decrypt(cipherText: string): Promise<string> {
    return this.#cipher.decrypt(cipherText);
  }
}
