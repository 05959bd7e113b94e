import type { TimeSource } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { GetOptions } from './freshness.js';
import { checkExpire, checkGetOptions, needsRefresh } from './freshness.js';
import { SingleFlight } from './single-flight.js';

export interface CacheMemoryOptions<T> {
  /** Produces the value; sync or async, called with no arguments. */
  sourceFunc: () => T | Promise<T>;
  /** How long a value stays good, in milliseconds. */
  expire: number;
  /** Default: silent. */
  logger?: Logger;
  /** Used in log lines. Default: the source function's name, else 'CacheMemory'. */
  name?: string;
  /** Default: the system clock. */
  clock?: TimeSource;
}

/**
 * Keeps the result of a zero-argument function in memory. The first get() fills it; later
 * calls refresh when the value is older than `expire`, or when they ask for `fresh` and it is
 * older than their tolerance. A failing source leaves the previous value in place and the
 * error reaches every caller that waited on that refresh.
 */
export class CacheMemory<T> {
  readonly name: string;
  readonly expire: number;
  readonly #source: () => T | Promise<T>;
  readonly #logger: Logger;
  readonly #clock: TimeSource;
  readonly #flight = new SingleFlight<T>();
  #value: { data: T; at: number } | undefined;

  constructor(options: CacheMemoryOptions<T>) {
    if (typeof options.sourceFunc !== 'function') {
      throw new TypeError(
        'CacheMemory: sourceFunc must be a function that returns the value to cache',
      );
    }
    this.#source = options.sourceFunc;
    this.expire = checkExpire('CacheMemory', options.expire);
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.name = options.name ?? (options.sourceFunc.name || 'CacheMemory');
  }

  /** Wraps a function at definition time: `const cached = CacheMemory.asDecorator({ expire })(load)`. */
  static asDecorator<T>(options: Omit<CacheMemoryOptions<T>, 'sourceFunc'>) {
    return (sourceFunc: () => T | Promise<T>): CacheMemory<T> =>
      new CacheMemory({ ...options, sourceFunc });
  }

  /** Age of the held value in ms, or null before the first successful fill. */
  age(): number | null {
    return this.#value ? this.#clock.now() - this.#value.at : null;
  }

  async get(options: GetOptions = {}): Promise<T> {
    checkGetOptions('CacheMemory', options);
    const held = this.#value;
    if (held && !needsRefresh(this.#clock.now() - held.at, this.expire, options)) return held.data;
    return this.#flight.run(() => this.#refresh());
  }

  async #refresh(): Promise<T> {
    const first = this.#value === undefined;
    this.#logger.debug(`${this.name}: ${first ? 'populating' : 'refreshing'} the cache`);
    try {
      const data = await this.#source();
      this.#value = { data, at: this.#clock.now() };
      return data;
    } catch (error) {
      this.#logger.warn(
        `${this.name}: source failed; ${first ? 'nothing cached yet' : 'keeping the previous value'}`,
        error,
      );
      throw error;
    }
  }
}
