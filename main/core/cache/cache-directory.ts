import { readdir, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { TimeSource } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import { isAtomicTempFile } from '../fs/atomic-write.js';
import { SEGMENT_PATTERN } from '../model/names.js';

/** One file under the cache folder, as cache:list shows it. */
export interface CacheFileInfo {
  /** Path relative to the cache folder, with '/' separators, e.g. 'results/abc.v8'. */
  name: string;
  path: string;
  sizeBytes: number;
  /** mtime, epoch ms. */
  modifiedAt: number;
  ageMs: number;
}

export interface CacheDirectoryOptions {
  /** Usually <dataDir>/cache. */
  dir: string;
  /** Default: the system clock. */
  clock?: TimeSource;
}

/** The <dataDir>/cache folder: where disk caches live, and what cache:list and cache:clear act on. */
export class CacheDirectory {
  readonly dir: string;
  readonly #clock: TimeSource;

  constructor(options: CacheDirectoryOptions) {
    this.dir = resolve(options.dir);
    this.#clock = options.clock ?? systemClock;
  }

  /** Where a named cache keeps its file, e.g. pathFor('prices') -> <dir>/prices.v8. */
  pathFor(name: string, extension = 'v8'): string {
    if (!SEGMENT_PATTERN.test(name) || name.includes('..')) {
      throw new RangeError(
        `CacheDirectory: cache name '${name}' may hold letters, digits, spaces, '.', '_' and '-' and must start with a letter or digit`,
      );
    }
    return join(this.dir, `${name}.${extension}`);
  }

  /** Every cache file, newest first. A missing folder is an empty list. */
  async list(): Promise<CacheFileInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir, { recursive: true });
    } catch {
      return [];
    }
    const now = this.#clock.now();
    const files: CacheFileInfo[] = [];
    for (const name of names) {
      const base = name.split(sep).pop() ?? name;
      if (isAtomicTempFile(base)) continue;
      const path = join(this.dir, name);
      try {
        const info = await stat(path);
        if (!info.isFile()) continue;
        files.push({
          name: name.split(sep).join('/'),
          path,
          sizeBytes: info.size,
          modifiedAt: info.mtimeMs,
          ageMs: Math.max(0, now - info.mtimeMs),
        });
      } catch {
        // Removed between readdir and stat: it is simply gone.
      }
    }
    return files.sort((a, b) => b.modifiedAt - a.modifiedAt || a.name.localeCompare(b.name));
  }

  /** Removes one cache file (by its list() name) or, without a name, everything. Returns how many files went. */
  async clear(name?: string): Promise<number> {
    if (name === undefined) {
      const count = (await this.list()).length;
      await rm(this.dir, { recursive: true, force: true });
      return count;
    }
    const path = resolve(this.dir, name);
    const inside = relative(this.dir, path);
    if (inside === '' || inside.startsWith('..') || resolve(inside) === inside) {
      throw new RangeError(
        `CacheDirectory: '${name}' is not a file inside ${this.dir}; pass a name from cache:list`,
      );
    }
    try {
      if (!(await stat(path)).isFile()) return 0;
    } catch {
      return 0;
    }
    await rm(path, { force: true });
    return 1;
  }
}
