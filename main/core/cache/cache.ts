import { stat, utimes } from 'node:fs/promises';
import type { TimeSource } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { Codec, Reader, Saver } from './codecs.js';
import { codecReader, codecSaver, v8Codec } from './codecs.js';
import type { GetOptions } from './freshness.js';
import { checkExpire, checkGetOptions, needsRefresh } from './freshness.js';
import { SingleFlight } from './single-flight.js';
import { moveAside } from '../fs/move-aside.js';

export interface CacheOptions<T> {
  /** Produces the value; sync or async, called with no arguments. */
  sourceFunc: () => T | Promise<T>;
  /** How long a value (in memory or on disk) stays good, in milliseconds. */
  expire: number;
  /** The cache file, usually under <dataDir>/cache (see CacheDirectory.pathFor). */
  path: string;
  /** Default: silent. */
  logger?: Logger;
  /** Writes the file. Default: `codec` encoded, written atomically. */
  saver?: Saver<T>;
  /** Reads the file. Default: `codec` decoded. */
  reader?: Reader<T>;
  /** Used by the default saver and reader. Default: v8Codec. */
  codec?: Codec;
  /** Used in log lines. Default: the source function's name, else 'Cache'. */
  name?: string;
  /** Default: the system clock. */
  clock?: TimeSource;
}

/**
 * CacheMemory plus a file, so an expensive result survives restarts.
 *
 * A file's age is its mtime: after every save the cache sets the mtime to the clock's time,
 * so the age stays right under an injected clock, and files written by other tools (or
 * copied from elsewhere) are judged by when they were last written.
 *
 * First access with nothing in memory: a file no older than `expire` (and, with `fresh`, no
 * older than the tolerance) is read and used without calling the source; a file that is too
 * old, missing, or that the reader cannot read is regenerated and rewritten. After that the
 * value lives in memory and refreshes like CacheMemory's, rewriting the file each time.
 */
export class Cache<T> {
  readonly name: string;
  readonly expire: number;
  readonly path: string;
  readonly #source: () => T | Promise<T>;
  readonly #logger: Logger;
  readonly #clock: TimeSource;
  readonly #saver: Saver<T>;
  readonly #reader: Reader<T>;
  readonly #flight = new SingleFlight<T>();
  #value: { data: T; at: number } | undefined;

  constructor(options: CacheOptions<T>) {
    if (typeof options.sourceFunc !== 'function') {
      throw new TypeError('Cache: sourceFunc must be a function that returns the value to cache');
    }
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new TypeError(
        'Cache: path is required: the file the value is kept in, e.g. <dataDir>/cache/prices.v8',
      );
    }
    this.#source = options.sourceFunc;
    this.expire = checkExpire('Cache', options.expire);
    this.path = options.path;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#saver = options.saver ?? codecSaver<T>(options.codec ?? v8Codec);
    this.#reader = options.reader ?? codecReader<T>(options.codec ?? v8Codec);
    this.name = options.name ?? (options.sourceFunc.name || 'Cache');
  }

  /** Wraps a function at definition time: `const cached = Cache.asDecorator({ expire, path })(load)`. */
  static asDecorator<T>(options: Omit<CacheOptions<T>, 'sourceFunc'>) {
    return (sourceFunc: () => T | Promise<T>): Cache<T> => new Cache({ ...options, sourceFunc });
  }

  /** Age of the value held in memory in ms, or null before the first get(). */
  age(): number | null {
    return this.#value ? this.#clock.now() - this.#value.at : null;
  }

  async get(options: GetOptions = {}): Promise<T> {
    checkGetOptions('Cache', options);
    const held = this.#value;
    if (held === undefined) return this.#flight.run(() => this.#loadOrRefresh(options));
    if (!needsRefresh(this.#clock.now() - held.at, this.expire, options)) return held.data;
    return this.#flight.run(() => this.#refresh());
  }

  async #loadOrRefresh(options: GetOptions): Promise<T> {
    const fileTime = await this.#fileTime();
    if (fileTime === null) {
      this.#logger.debug(`${this.name}: no cache file at ${this.path}; calling the source`);
      return this.#refresh();
    }
    const age = this.#clock.now() - fileTime;
    if (needsRefresh(age, this.expire, options)) {
      this.#logger.debug(
        `${this.name}: cache file ${this.path} is ${Math.round(age)} ms old; regenerating`,
      );
      return this.#refresh();
    }
    try {
      const data = await this.#reader(this.path);
      this.#value = { data, at: fileTime };
      this.#logger.debug(`${this.name}: reused cache file ${this.path}`);
      return data;
    } catch (error) {
      // Kept for inspection, never overwritten: the fresh value goes to a new file.
      let movedTo: string | null = null;
      try {
        movedTo = moveAside(this.path, this.#clock.now());
      } catch {
        // Could not rename (read-only folder): the regenerated value will replace it.
      }
      this.#logger.error(
        `${this.name}: could not read cache file ${this.path}${movedTo ? `; kept it as ${movedTo}` : ''}; regenerating it`,
        error,
      );
      return this.#refresh();
    }
  }

  async #refresh(): Promise<T> {
    const first = this.#value === undefined;
    let data: T;
    try {
      data = await this.#source();
    } catch (error) {
      this.#logger.warn(
        `${this.name}: source failed; ${first ? 'nothing cached yet' : 'keeping the previous value'}`,
        error,
      );
      throw error;
    }
    const at = this.#clock.now();
    this.#value = { data, at };
    await this.#save(data, at);
    return data;
  }

  /** A disk error costs the next restart a source call, never this caller its value. */
  async #save(data: T, at: number): Promise<void> {
    try {
      await this.#saver(data, this.path);
      const seconds = at / 1000;
      await utimes(this.path, seconds, seconds);
    } catch (error) {
      this.#logger.error(
        `${this.name}: could not write cache file ${this.path}; the value is kept in memory only`,
        error,
      );
    }
  }

  async #fileTime(): Promise<number | null> {
    try {
      // utimes goes through floating-point seconds; rounding keeps "saved at T" reading back as T.
      return Math.round((await stat(this.path)).mtimeMs);
    } catch {
      return null;
    }
  }
}
