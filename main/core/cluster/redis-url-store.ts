import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { removeAtomicTempFiles } from '../fs/atomic-write.js';
import { moveAside } from '../fs/move-aside.js';
import type { Cipher } from '../store/cipher.js';
import { readSealedJson, writeSealedJson } from '../store/sealed-file.js';
import type { TimeSource } from '../time/clock.js';
import { redisUrlSchema } from './redis-url.js';

const plain = z.object({ url: redisUrlSchema });

/**
 * The Redis URL set in Settings, in <dataDir>/cluster/redis.json, encrypted whole with the
 * vault's cipher: the URL may carry the Redis password. A file that cannot be read is moved
 * aside (kept) and no URL is used, so the desktop still starts.
 */
export class RedisUrlStore {
  readonly #path: string;
  readonly #cipher: Cipher;
  readonly #clock: TimeSource;
  #url: string | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { path: string; cipher: Cipher; clock: TimeSource }) {
    this.#path = options.path;
    this.#cipher = options.cipher;
    this.#clock = options.clock;
  }

  /** Null, or a sentence for the user about a file that could not be used. */
  async load(): Promise<string | null> {
    await removeAtomicTempFiles(dirname(this.#path));
    try {
      this.#url = (await readSealedJson(this.#path, this.#cipher, plain))?.url ?? null;
      return null;
    } catch (error) {
      const movedTo = moveAside(this.#path, this.#clock.now());
      const why = error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
      return `Cluster: the Redis URL saved in Settings could not be read (${why}); the file was moved to ${movedTo} (kept). Enter the Redis URL in Settings again.`;
    }
  }

  /** The saved URL (password included), or null. */
  get url(): string | null {
    return this.#url;
  }

  /** Saves a checked URL, or forgets it (null). Memory changes once the file is written. */
  set(url: string | null): Promise<void> {
    const run = this.#queue
      .catch(() => undefined)
      .then(async () => {
        if (url === null) await rm(this.#path, { force: true });
        else await writeSealedJson(this.#path, this.#cipher, { url });
        this.#url = url;
      });
    this.#queue = run;
    return run;
  }
}
