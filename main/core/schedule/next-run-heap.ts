/**
 * Anything the scheduler waits for: a task's next due time, a retry, a run's timeout. The heap
 * stores its position in the node itself, so removing or moving a node costs O(log n) and a
 * task needs no separate heap entry object.
 */
export interface HeapNode {
  /** Epoch ms at which the node falls due. */
  dueAt: number;
  /** Higher pops first among nodes due at the same instant. */
  priority: number;
  /** Insertion order, the last tie-breaker, so equal nodes pop first-in first-out. */
  seq: number;
  /** Position in the heap, -1 when not in it. Owned by the heap. */
  heapIndex: number;
}

function before(a: HeapNode, b: HeapNode): boolean {
  if (a.dueAt !== b.dueAt) return a.dueAt < b.dueAt;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.seq < b.seq;
}

/** A binary min-heap keyed by (dueAt, -priority, seq). */
export class NextRunHeap<T extends HeapNode> {
  #items: T[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  has(node: T): boolean {
    return node.heapIndex >= 0 && this.#items[node.heapIndex] === node;
  }

  /** Inserts the node, or moves it if it is already in the heap (its dueAt/priority may have changed). */
  push(node: T): void {
    node.seq = ++this.#seq;
    if (this.has(node)) {
      this.#fix(node.heapIndex);
      return;
    }
    node.heapIndex = this.#items.length;
    this.#items.push(node);
    this.#up(node.heapIndex);
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop() as T;
    top.heapIndex = -1;
    if (last !== top) this.#fillRoot(last);
    return top;
  }

  remove(node: T): boolean {
    if (!this.has(node)) return false;
    const i = node.heapIndex;
    const last = this.#items.pop() as T;
    node.heapIndex = -1;
    if (last !== node) {
      this.#items[i] = last;
      last.heapIndex = i;
      this.#fix(i);
    }
    return true;
  }

  /** Every node, in no particular order. */
  values(): readonly T[] {
    return this.#items;
  }

  /**
   * Puts `node` (taken from the end) at the root's place: the hole sinks to a leaf along the
   * earlier child, one comparison a level, and `node` rises from there (Floyd's method). A node
   * from the end belongs near the bottom, so this makes about half the comparisons of sifting it
   * down from the top: popping 1,000 tasks due together is that much cheaper.
   */
  #fillRoot(node: T): void {
    const items = this.#items;
    const n = items.length;
    let i = 0;
    for (let left = 1; left < n; left = 2 * i + 1) {
      const right = left + 1;
      const child = right < n && before(items[right] as T, items[left] as T) ? right : left;
      const c = items[child] as T;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = node;
    node.heapIndex = i;
    this.#up(i);
  }

  #fix(i: number): void {
    if (!this.#up(i)) this.#down(i);
  }

  #up(i: number): boolean {
    const items = this.#items;
    const node = items[i] as T;
    let moved = false;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (!before(node, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = parentIndex;
      moved = true;
    }
    items[i] = node;
    node.heapIndex = i;
    return moved;
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const node = items[i] as T;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(items[right] as T, items[left] as T)) child = right;
      const c = items[child] as T;
      if (!before(c, node)) break;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = node;
    node.heapIndex = i;
  }
}
