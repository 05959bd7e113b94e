import type { RunColumns } from './run-columns.js';

/** One task folder ('project/group/name') and its runs' rows, sorted by run id. */
export interface TaskFolder {
  id: number;
  rel: string;
  project: string;
  group: string;
  name: string;
  rows: Int32Array;
  n: number;
  /** The index version at its last change: never reset, so never mistaken for an older one. */
  version: number;
}

/**
 * The task folders of the history by name and by number (a row keeps the number), each with
 * its rows sorted by run id: a run is found by a binary search in its folder instead of a map
 * entry per run.
 */
export class TaskFolders {
  readonly #byRel = new Map<string, TaskFolder>();
  readonly #byId: TaskFolder[] = [];

  find(rel: string): TaskFolder | undefined {
    return this.#byRel.get(rel);
  }

  /** The folder, made empty when new. */
  get(rel: string): TaskFolder {
    let folder = this.#byRel.get(rel);
    if (!folder) {
      const [project = '', group = '', name = ''] = rel.split('/');
      folder = {
        id: this.#byId.length,
        rel,
        project,
        group,
        name,
        rows: new Int32Array(4),
        n: 0,
        version: 0,
      };
      this.#byRel.set(rel, folder);
      this.#byId.push(folder);
    }
    return folder;
  }

  byId(id: number): TaskFolder {
    return this.#byId[id]!;
  }

  all(): readonly TaskFolder[] {
    return this.#byId;
  }

  /** The row holding `runId` in the folder, or where one would go. */
  search(
    folder: TaskFolder,
    runId: string,
    rows: RunColumns,
  ): { row: number | undefined; at: number } {
    let lo = 0;
    let hi = folder.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = rows.compareId(folder.rows[mid]!, runId);
      if (c === 0) return { row: folder.rows[mid]!, at: mid };
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return { row: undefined, at: lo };
  }

  /**
   * The run whose key is 'project/group/name/runId.json': its folder, row and place in the
   * folder; undefined when the history does not hold it.
   */
  locate(
    key: string,
    rows: RunColumns,
  ): { folder: TaskFolder; row: number; at: number } | undefined {
    const slash = key.lastIndexOf('/');
    const folder = this.#byRel.get(key.slice(0, slash));
    if (!folder || !key.endsWith('.json')) return undefined;
    const { row, at } = this.search(folder, key.slice(slash + 1, -'.json'.length), rows);
    return row === undefined ? undefined : { folder, row, at };
  }

  insert(folder: TaskFolder, at: number, row: number): void {
    if (folder.n === folder.rows.length) {
      // A quarter more, not twice: every folder's spare room adds up over a thousand tasks.
      const grown = new Int32Array(Math.ceil(folder.rows.length * 1.25));
      grown.set(folder.rows);
      folder.rows = grown;
    }
    folder.rows.copyWithin(at + 1, at, folder.n);
    folder.rows[at] = row;
    folder.n++;
  }

  removeAt(folder: TaskFolder, at: number): void {
    folder.rows.copyWithin(at, at + 1, folder.n);
    folder.n--;
  }

  /** After the rows were compacted: old row number → new. */
  renumber(map: Int32Array): void {
    for (const folder of this.#byId)
      for (let i = 0; i < folder.n; i++) folder.rows[i] = map[folder.rows[i]!]!;
  }
}
