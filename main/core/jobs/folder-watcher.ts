import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { relative, sep } from 'node:path';

/**
 * 'recursive' is one fs.watch(root, { recursive: true }): native and cheap on macOS and Windows,
 * but Node 20 emulates it on Linux with one handle per file (100,000 run files took 100,000
 * handles and ~4 s of blocked event loop), so 'per-folder' watches each folder instead: a few
 * hundred inotify handles for the same tree. 'auto' picks per platform.
 */
export type WatchStrategy = 'auto' | 'recursive' | 'per-folder';

export interface FolderWatcherOptions {
  root: string;
  strategy: WatchStrategy;
  /** Called with the changed path relative to root ('' when the platform does not say which). */
  onEvent: (relativePath: string) => void;
  /** Called once when watching stops working; the owner falls back to polling. */
  onError: (error: Error) => void;
}

/** Watches the status folder and reports which paths changed. */
export class FolderWatcher {
  readonly #options: FolderWatcherOptions;
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #recursive: boolean;
  #failed = false;

  constructor(options: FolderWatcherOptions) {
    this.#options = options;
    const strategy =
      options.strategy === 'auto'
        ? process.platform === 'linux'
          ? 'per-folder'
          : 'recursive'
        : options.strategy;
    this.#recursive = strategy === 'recursive';
  }

  /** Starts watching; throws when the platform or filesystem cannot watch. */
  start(folders: Iterable<string>): void {
    if (this.#recursive) this.#add(this.#options.root, true);
    else this.sync(folders);
  }

  /**
   * Per-folder mode: watch exactly the root, its project and group folders, and `taskFolders`;
   * new folders are found by the scan that a watch event (or the safety poll) triggers.
   * Returns the folders it started watching: they may have changed before the watch began.
   */
  sync(taskFolders: Iterable<string>): string[] {
    const added: string[] = [];
    if (this.#recursive || this.#failed) return added;
    const wanted = new Set<string>([this.#options.root]);
    for (const task of taskFolders) {
      const parts = relative(this.#options.root, task).split(sep);
      wanted.add(task);
      if (parts.length === 3) {
        wanted.add(`${this.#options.root}${sep}${parts[0]}`);
        wanted.add(`${this.#options.root}${sep}${parts[0]}${sep}${parts[1]}`);
      }
    }
    for (const [folder, watcher] of this.#watchers) {
      if (!wanted.has(folder)) {
        watcher.close();
        this.#watchers.delete(folder);
      }
    }
    for (const folder of wanted) {
      if (this.#watchers.has(folder)) continue;
      try {
        this.#add(folder, false);
        added.push(folder);
      } catch (error) {
        // A folder removed between the scan and now is not a watcher failure.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
    }
    return added;
  }

  close(): void {
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  get size(): number {
    return this.#watchers.size;
  }

  #add(folder: string, recursive: boolean): void {
    const watcher = watch(folder, { recursive, persistent: false }, (_event, filename) => {
      const name = filename === null ? '' : filename.toString();
      const full = name === '' ? folder : `${folder}${sep}${name}`;
      this.#options.onEvent(name === '' && recursive ? '' : relative(this.#options.root, full));
    });
    watcher.on('error', (error: Error) => {
      // A watched task folder deleted under us reports an error on some platforms: that is a change, not a failure.
      if (
        !recursive &&
        folder !== this.#options.root &&
        (error as NodeJS.ErrnoException).code === 'EPERM'
      ) {
        watcher.close();
        this.#watchers.delete(folder);
        this.#options.onEvent(relative(this.#options.root, folder));
        return;
      }
      if (this.#failed) return;
      this.#failed = true;
      this.close();
      this.#options.onError(error);
    });
    this.#watchers.set(folder, watcher);
  }
}
