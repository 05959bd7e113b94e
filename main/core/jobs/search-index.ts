import { Index } from 'flexsearch';

/**
 * The full-text index of runs' output and errors, on FlexSearch: each run's words map to a
 * small number per run, so 100,000 runs with output cost tens of megabytes of heap, not the
 * hundreds a document store would (bench/search-child.js measures it). The text itself is
 * never kept: hits are shown from the record on disk. A run with neither output nor error
 * costs nothing here (most scheduled runs are silent); task names are matched per task, not
 * per run (RunSearch).
 */
export class SearchIndex {
  // 'strict' indexes whole words (no prefixes, which multiply memory); resolution 3 keeps
  // only a coarse relevance, enough to order hits that are then sorted newest first anyway.
  readonly #index = new Index({ tokenize: 'strict', resolution: 3 });
  readonly #idOf = new Map<string, number>();
  /** The run key each number stands for (the same string #idOf holds). */
  readonly #keyOf = new Map<number, string>();
  #nextId = 1;

  get size(): number {
    return this.#idOf.size;
  }

  has(key: string): boolean {
    return this.#idOf.has(key);
  }

  /** Adds or replaces run `key` with the text to find it by; no text, no entry. */
  put(key: string, text: string): void {
    if (!/[\p{L}\p{N}]/u.test(text)) return this.remove(key);
    const known = this.#idOf.get(key);
    if (known !== undefined) {
      this.#index.update(known, text);
      return;
    }
    const id = this.#nextId++;
    this.#idOf.set(key, id);
    this.#keyOf.set(id, key);
    this.#index.add(id, text);
  }

  remove(key: string): void {
    const id = this.#idOf.get(key);
    if (id === undefined) return;
    this.#index.remove(id);
    this.#idOf.delete(key);
    this.#keyOf.delete(id);
  }

  /** The keys of the runs whose text holds every one of `words` (already normalised). */
  keysWithAll(words: readonly string[]): string[] {
    if (this.size === 0 || words.length === 0) return [];
    const keys: string[] = [];
    for (const id of this.#index.search(words.join(' '), { limit: this.size }) as number[]) {
      const key = this.#keyOf.get(id);
      if (key !== undefined) keys.push(key);
    }
    return keys;
  }
}
