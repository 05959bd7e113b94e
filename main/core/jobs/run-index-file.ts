import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { atomicWrite, removeAtomicTempFiles } from '../fs/atomic-write.js';
import { fileGate } from '../fs/fd-gate.js';
import { moveAside } from '../fs/move-aside.js';
import type { KnownFolder } from './folder-scanner.js';
import type { RunIndex } from './run-index.js';
import { DamagedIndex, decodeIndex, encodeIndex, MAGIC } from './run-index-codec.js';
import { parseLegacyIndex } from './run-index-legacy.js';
import type { StoredRuns } from './stored-runs.js';

/** The name Crontray gave its index file before the binary format: read once, then removed. */
const LEGACY_NAME = 'runs.jsonl';

/** What load() found. */
export type LoadedIndex =
  | {
      kind: 'loaded';
      folders: KnownFolder[];
      /** Puts the runs into an empty index. */
      fill: (index: RunIndex) => void;
      /** The file is in the format of an older version: the next save rewrites it. */
      upgrade: boolean;
    }
  | { kind: 'missing' }
  /** Written by another version of Crontray: rebuilt without a word, as a cache would be. */
  | { kind: 'outdated' }
  | { kind: 'set-aside'; reason: string; movedTo: string };

/**
 * The run index kept on disk between runs, so start-up reads one file instead of every run
 * record. It is a cache: the run files stay the truth. Binary (run-index-codec.ts) with a
 * sha256 of its content, so a torn or damaged file is recognised and set aside (kept) instead
 * of trusted. Written atomically without an fsync: after a power cut the older file (or none)
 * is used and verified like any other. The JSON-lines file of older versions (`runs.jsonl`
 * beside it, or at `path` itself) is read when there is no binary one, and removed once the
 * binary one is written.
 */
export class RunIndexFile {
  readonly #legacyPath: string;

  constructor(
    readonly path: string,
    private readonly now: () => number,
  ) {
    this.#legacyPath = join(dirname(path), LEGACY_NAME);
  }

  async load(): Promise<LoadedIndex> {
    await removeAtomicTempFiles(dirname(this.path));
    const found = (await this.#read(this.path)) ?? (await this.#read(this.#legacyPath));
    if (!found) return { kind: 'missing' };
    if ('error' in found)
      return this.#setAside(found.path, `it cannot be read: ${found.error.message}`);
    try {
      if (found.bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
        const decoded = decodeIndex(found.bytes);
        if (decoded === 'outdated') return { kind: 'outdated' };
        const rels = decoded.folders.map((f) => f.rel);
        const fill = (index: RunIndex) => index.restore(rels, decoded.runs);
        return { kind: 'loaded', folders: decoded.folders, fill, upgrade: false };
      }
      const legacy = await parseLegacyIndex(found.bytes);
      if (legacy === 'outdated') return { kind: 'outdated' };
      const fill = (index: RunIndex) => index.apply(legacy.entries, []);
      return { kind: 'loaded', folders: legacy.folders, fill, upgrade: true };
    } catch (error) {
      if (!(error instanceof DamagedIndex)) throw error;
      return this.#setAside(found.path, error.message);
    }
  }

  /**
   * Writes the task folders as the scanner knows them and their runs (StoredRuns, in the same
   * order), then removes an index file of an older version.
   */
  async save(folders: readonly KnownFolder[], runs: StoredRuns): Promise<void> {
    await atomicWrite(this.path, encodeIndex(folders, runs, this.now()), { durable: false });
    if (this.#legacyPath !== this.path) await rm(this.#legacyPath, { force: true });
  }

  async #read(
    path: string,
  ): Promise<{ path: string; bytes: Buffer } | { path: string; error: Error } | null> {
    try {
      return { path, bytes: await fileGate.run(() => readFile(path)) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return { path, error: error as Error };
    }
  }

  #setAside(path: string, reason: string): LoadedIndex {
    try {
      return { kind: 'set-aside', reason, movedTo: moveAside(path, this.now()) };
    } catch (error) {
      // Left in place, it is overwritten by the next save: a cache, never the only copy.
      return { kind: 'set-aside', reason, movedTo: `(not moved: ${(error as Error).message})` };
    }
  }
}
