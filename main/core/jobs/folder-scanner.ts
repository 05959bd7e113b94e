import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { listTaskDirs, readTaskFolder, TimeSlicer } from '../store/run-record-files.js';
import { RunFileReadAhead } from './run-file-read-ahead.js';
import { RunFileReader } from './run-file-reader.js';
import { summaryOfText } from './run-file-summary.js';
import type { RunSummary } from './run-summary.js';
import { UNFINISHED } from './run-summary.js';

/** A file that could not be used; the previous version (if any) stays in memory. */
export interface UnreadableFile {
  /** 'project/group/name/runId.json' */
  key: string;
  path: string;
  error: string;
  /** When it was first found unreadable, epoch ms. */
  since: number;
}

export interface ScanRequest {
  /** List every task folder and re-stat every file, ignoring folder mtimes. */
  full?: boolean;
  /** Task folders ('project/group/name') known to have changed (from the watcher). */
  dirtyTasks?: ReadonlySet<string>;
}

export interface ScanChanges {
  upserts: { key: string; summary: RunSummary; sig: FileSig }[];
  removals: string[];
  /** Task folders present after the scan, as absolute paths, for the watcher. */
  folders: string[];
}

interface DirState {
  mtimeMs: number;
  /** The folder changed at the last scan: look once more, since a coarse mtime can hide a second change. */
  confirm: boolean;
  /** Its last listing held a temp file of a write in flight (or one a crash left). */
  temps: boolean;
}

/**
 * What the scanner asks of the history about the runs it holds: the file stat each summary
 * was read with (kept in the run index's columns, not here) and the runs of a folder, so a
 * folder listed again shows which files went.
 */
export interface ScanBook {
  sigOf(key: string): FileSig | undefined;
  runIdsOf(task: string): string[];
}

/** One file's stat when it was last read: unchanged means the summary in memory is current. */
export interface FileSig {
  mtimeMs: number;
  size: number;
}

/** What the scanner knew of one task folder, as the run index file keeps it between runs. */
export interface KnownFolder {
  /** 'project/group/name' */
  rel: string;
  mtimeMs: number;
  /** List it again on the next scan whatever its mtime says. */
  confirm: boolean;
}

/** Files a scan must read, in the order it lists them. */
interface ToRead {
  keys: string[];
  paths: string[];
}

/** One file as read: its text and stat, or why it could not be read. */
interface FileRead {
  text: string;
  error: { code?: string; message: string } | undefined;
  mtimeMs: number;
  size: number;
}

/** What a run file's name can be (idSchema): the index keeps run ids as ASCII bytes. */
const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A thread starts in tens of milliseconds: worth it for a first scan's thousands of files. */
const READ_AHEAD_FROM = 5_000;

/**
 * Whether a core looks free for a second thread: fewer runnable tasks than cores over the last
 * minute, this process's own included. On 2 cores loaded to 8-9 by other programs, reading on a
 * thread took longer than reading in place (median 3.78 against 3.29 s for 100,000 files): each
 * hand-off waits for the scheduler. With a core free it takes the reads off the main thread
 * (1.2 s of its CPU instead of 2.0 s).
 */
function coreToSpare(): boolean {
  const cores = availableParallelism();
  return cores >= 2 && loadavg()[0]! < cores;
}

/** A folder whose mtime is this close to a scan's start may change again within the same tick of a coarse clock. */
const COARSE_MTIME_MS = 2_000;

/**
 * Tracks the status folder between scans so a scan touches as little as possible: a task
 * folder is listed only when its mtime moved (adding, removing or renaming over a file, which
 * is how atomic writes land, all move it); its files are re-read only when their mtime or size
 * changed from the stat the history holds (ScanBook). Unfinished runs, unreadable files and
 * invalidated runs are re-checked every scan whatever their folder did, and a `full` scan
 * re-stats everything for writers that edit files in place. Per run, the scanner itself keeps
 * nothing: only per folder, and for the few runs it must re-check.
 */
export class FolderScanner {
  readonly #root: string;
  readonly #now: () => number;
  readonly #book: ScanBook;
  readonly #dirs = new Map<string, DirState>();
  /** Keys re-checked on every scan. */
  readonly #hot = new Set<string>();
  /** Keys read again even if their stat is unchanged. */
  readonly #forced = new Set<string>();
  readonly #unreadable = new Map<string, UnreadableFile>();
  readonly #reader = new RunFileReader();
  readonly #readAheadFrom: number;
  readonly #coreToSpare: () => boolean;
  /** Wall-clock start of the last scan: file mtimes are wall-clock too. */
  #lastScanAt = 0;

  /**
   * `readAheadFrom`: a scan with at least this many files to read reads them on a second thread
   * (RunFileReadAhead) when `coreToSpare()` says a core is free; below it, starting the thread
   * costs more than it saves.
   */
  constructor(
    root: string,
    now: () => number,
    book: ScanBook,
    options: { readAheadFrom?: number; coreToSpare?: () => boolean } = {},
  ) {
    this.#root = root;
    this.#book = book;
    this.#now = now;
    this.#coreToSpare = options.coreToSpare ?? coreToSpare;
    this.#readAheadFrom = options.readAheadFrom ?? READ_AHEAD_FROM;
  }

  unreadable(): UnreadableFile[] {
    return [...this.#unreadable.values()];
  }

  /** Read this run again on the next scan. */
  invalidate(key: string): void {
    this.#forced.add(key);
    this.#hot.add(key);
  }

  /** List every folder again on the next scan (the owner forgets the files' stats). */
  invalidateAll(): void {
    for (const state of this.#dirs.values()) state.confirm = true;
  }

  /** Absolute paths of the task folders whose last listing held a temp file. */
  foldersWithTempFiles(): string[] {
    const out: string[] = [];
    for (const [rel, state] of this.#dirs)
      if (state.temps) out.push(join(this.#root, ...rel.split('/')));
    return out;
  }

  /**
   * Every folder as the run index file keeps it: a folder whose listing may not be the whole
   * truth next time (temp files, unreadable files, a change too close to the last scan for a
   * coarse mtime) is marked to be listed again. The index file marks folders with runs it
   * could not save a stat for.
   */
  *known(): Generator<KnownFolder> {
    const unreadable = new Set(
      [...this.#unreadable.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))),
    );
    for (const [rel, state] of this.#dirs) {
      const confirm =
        state.confirm ||
        state.temps ||
        unreadable.has(rel) ||
        state.mtimeMs >= this.#lastScanAt - COARSE_MTIME_MS;
      yield { rel, mtimeMs: state.mtimeMs, confirm };
    }
  }

  /** Runs that must be read again whatever their stat says (invalidated or unreadable). */
  *mustRead(): Generator<string> {
    yield* this.#forced;
    for (const key of this.#unreadable.keys()) if (!this.#forced.has(key)) yield key;
  }

  /**
   * Starts from what a run index file kept instead of nothing, so the next scan lists only
   * folders that moved (or are marked). The stats of its runs are in the run index.
   */
  restoreFolder(folder: KnownFolder): void {
    this.#dirs.set(folder.rel, { mtimeMs: folder.mtimeMs, confirm: folder.confirm, temps: false });
  }

  /** A run the index file holds as unfinished: re-checked on every scan, as usual. */
  restoreUnfinished(key: string): void {
    this.#hot.add(key);
  }

  /**
   * A file this process has just written and put in memory itself: its stat is taken now, so
   * the next scan finds it unchanged instead of reading and parsing it again (at a run per
   * second per task, the re-reads were most of a scan's work). Unknown if it is already gone.
   */
  noteWritten(key: string, path: string, unfinished: boolean): FileSig | undefined {
    let sig: FileSig;
    try {
      const { mtimeMs, size } = statSync(path);
      sig = { mtimeMs, size };
    } catch {
      return undefined; // Deleted already: the next scan finds it absent.
    }
    this.#forced.delete(key);
    this.#unreadable.delete(key);
    if (unfinished) this.#hot.add(key);
    else this.#hot.delete(key);
    return sig;
  }

  /** Forget a file we deleted ourselves. */
  forget(key: string): void {
    this.#hot.delete(key);
    this.#forced.delete(key);
    this.#unreadable.delete(key);
  }

  async scan(request: ScanRequest = {}): Promise<ScanChanges> {
    const slicer = new TimeSlicer();
    this.#lastScanAt = Date.now();
    const changes: ScanChanges = { upserts: [], removals: [], folders: [] };
    // Files whose stat moved (or that are unknown), listed before any is read so that many reads
    // can go to a second thread. Only those: a full re-stat of 60,000 unchanged files holds no
    // list of them (it held 25 MB while it ran).
    const toRead: ToRead = { keys: [], paths: [] };
    const hotSeen = new Set<string>();
    const present = new Set<string>();
    for (const task of listTaskDirs(this.#root)) {
      await slicer.maybeYield();
      const rel = `${task.project}/${task.group}/${task.name}`;
      let mtimeMs: number;
      try {
        mtimeMs = statSync(task.dir).mtimeMs;
      } catch {
        continue; // Vanished since the listing: removed below as absent.
      }
      present.add(rel);
      changes.folders.push(task.dir);
      const state = this.#dirs.get(rel);
      const moved = state !== undefined && state.mtimeMs !== mtimeMs;
      if (!(
        state === undefined ||
        moved ||
        state.confirm ||
        request.full ||
        request.dirtyTasks?.has(rel)
      ))
        continue;
      const { files: names, temps } = readTaskFolder(task.dir);
      const files = new Set(names);
      for (const old of this.#filesOf(rel))
        if (!files.has(old)) this.#remove(`${rel}/${old}`, changes);
      this.#dirs.set(rel, { mtimeMs, confirm: moved, temps });
      for (const name of names) {
        await slicer.maybeYield();
        const key = `${rel}/${name}`;
        if (this.#hot.has(key)) hotSeen.add(key);
        this.#checkStat(key, join(task.dir, name), changes, toRead);
      }
    }
    for (const rel of this.#dirs.keys()) {
      if (present.has(rel)) continue;
      for (const name of this.#filesOf(rel)) this.#remove(`${rel}/${name}`, changes);
      this.#dirs.delete(rel);
    }
    for (const key of [...this.#hot]) {
      if (hotSeen.has(key)) continue;
      await slicer.maybeYield();
      this.#checkStat(key, join(this.#root, ...key.split('/')), changes, toRead);
    }
    await this.#readAll(toRead, changes, slicer);
    return changes;
  }

  /** Lists the file for a read unless its stat is the one its summary was read with. */
  #checkStat(key: string, path: string, changes: ScanChanges, toRead: ToRead): void {
    if (this.#unchanged(key, path, changes)) return;
    toRead.keys.push(key);
    toRead.paths.push(path);
  }

  /** Reads the listed files: on a second thread when there are many and a core looks free. */
  async #readAll(toRead: ToRead, changes: ScanChanges, slicer: TimeSlicer): Promise<void> {
    const { keys: readKeys, paths: readPaths } = toRead;
    const ahead =
      readPaths.length >= this.#readAheadFrom && this.#coreToSpare()
        ? new RunFileReadAhead(readPaths)
        : undefined;
    try {
      for (let i = 0; i < readKeys.length; i++) {
        await slicer.maybeYield();
        const taken = ahead !== undefined && (ahead.take() || (await ahead.next()));
        const read = taken ? ahead : this.#readNow(readPaths[i]!);
        this.#take(readKeys[i]!, readPaths[i]!, read, changes);
      }
    } finally {
      await ahead?.close();
    }
  }

  /** True when the file's stat is the one its summary was read with (or it went, and was removed). */
  #unchanged(key: string, path: string, changes: ScanChanges): boolean {
    const forced = this.#forced.delete(key);
    const known = forced || this.#unreadable.has(key) ? undefined : this.#book.sigOf(key);
    if (!known) return false;
    try {
      const st = statSync(path);
      return st.mtimeMs === known.mtimeMs && st.size === known.size;
    } catch {
      this.#remove(key, changes);
      return true;
    }
  }

  #readNow(path: string): FileRead {
    try {
      const text = this.#reader.read(path);
      return { text, error: undefined, mtimeMs: this.#reader.mtimeMs, size: this.#reader.size };
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      return { text: '', error: { code, message }, mtimeMs: 0, size: 0 };
    }
  }

  /** The file names the history and the unreadable list know in a folder. */
  #filesOf(rel: string): Set<string> {
    const names = new Set(this.#book.runIdsOf(rel).map((id) => `${id}.json`));
    for (const key of this.#unreadable.keys())
      if (key.startsWith(`${rel}/`) && key.lastIndexOf('/') === rel.length)
        names.add(key.slice(rel.length + 1));
    return names;
  }

  #remove(key: string, changes: ScanChanges): void {
    this.forget(key);
    changes.removals.push(key);
  }

  #take(key: string, path: string, read: FileRead, changes: ScanChanges): void {
    if (read.error) {
      if (read.error.code === 'ENOENT') this.#remove(key, changes);
      else this.#markUnreadable(key, path, `JobCache: cannot read ${path}: ${read.error.message}`);
      return;
    }
    const sig = { mtimeMs: read.mtimeMs, size: read.size };
    try {
      const summary = summaryOfText(read.text, path);
      // A key has exactly three slashes, so one comparison checks all four parts.
      if (
        key !== `${summary.project}/${summary.group}/${summary.name}/${summary.runId}.json` ||
        !RUN_ID.test(summary.runId)
      ) {
        throw new Error(
          `run record ${path} says ${summary.project}/${summary.group}/${summary.name}/${summary.runId}; it belongs in that folder`,
        );
      }
      this.#unreadable.delete(key);
      if (UNFINISHED.has(summary.status)) this.#hot.add(key);
      else this.#hot.delete(key);
      changes.upserts.push({ key, summary, sig });
    } catch (error) {
      this.#markUnreadable(key, path, `JobCache: ${(error as Error).message}`);
    }
  }

  #markUnreadable(key: string, path: string, error: string): void {
    const since = this.#unreadable.get(key)?.since ?? this.#now();
    this.#unreadable.set(key, { key, path, error, since });
    this.#hot.add(key);
  }
}
