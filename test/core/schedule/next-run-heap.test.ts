import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { NextRunHeap, type HeapNode } from '../../../main/core/schedule/next-run-heap.js';

interface Item extends HeapNode {
  name: string;
}

const item = (name: string, dueAt: number, priority = 0): Item => ({
  name,
  dueAt,
  priority,
  seq: 0,
  heapIndex: -1,
});

describe('NextRunHeap', () => {
  it('pops the earliest due first, then the higher priority, then the first pushed', () => {
    const heap = new NextRunHeap<Item>();
    for (const i of [
      item('late', 30),
      item('low', 10, 0),
      item('high', 10, 5),
      item('low2', 10, 0),
      item('early', 5),
    ]) {
      heap.push(i);
    }
    const order: string[] = [];
    for (let i = heap.pop(); i; i = heap.pop()) order.push(i.name);
    expect(order).toEqual(['early', 'high', 'low', 'low2', 'late']);
  });

  it('moves a node when it is pushed again with a new due time, and removes nodes from the middle', () => {
    const heap = new NextRunHeap<Item>();
    const a = item('a', 10);
    const b = item('b', 20);
    const c = item('c', 30);
    heap.push(a);
    heap.push(b);
    heap.push(c);
    c.dueAt = 1;
    heap.push(c);
    expect(heap.size).toBe(3);
    expect(heap.remove(a)).toBe(true);
    expect(heap.remove(a)).toBe(false);
    expect(heap.has(a)).toBe(false);
    expect([heap.pop()?.name, heap.pop()?.name, heap.pop()]).toEqual(['c', 'b', undefined]);
  });

  it('always pops in sorted order whatever is pushed, moved and removed', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 50 }),
            fc.integer({ min: -2, max: 2 }),
            fc.boolean(),
            fc.nat(60),
          ),
          {
            maxLength: 80,
          },
        ),
        (ops) => {
          const heap = new NextRunHeap<Item>();
          const nodes: Item[] = [];
          const inHeap = new Set<Item>();
          for (const [due, prio, removeOne, moveTo] of ops) {
            const n = item(String(nodes.length), due, prio);
            nodes.push(n);
            heap.push(n);
            inHeap.add(n);
            const victim = nodes[moveTo % nodes.length] as Item;
            if (removeOne) {
              heap.remove(victim);
              inHeap.delete(victim);
            } else if (heap.has(victim)) {
              victim.dueAt = moveTo;
              heap.push(victim);
            }
          }
          const popped: Item[] = [];
          for (let n = heap.pop(); n; n = heap.pop()) popped.push(n);
          for (let i = 1; i < popped.length; i++) {
            const a = popped[i - 1] as Item;
            const b = popped[i] as Item;
            expect(
              a.dueAt < b.dueAt ||
                (a.dueAt === b.dueAt &&
                  (a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq))),
            ).toBe(true);
          }
          expect(popped.length).toBe(
            nodes.filter((n) => n.heapIndex === -1 && popped.includes(n)).length,
          );
        },
      ),
    );
  });
});
