import { describe, expect, it } from 'vitest';
import { FdGate } from '../../../main/core/fs/fd-gate.js';

/** An operation that holds its descriptor until the test lets it go. */
function held() {
  let release = (): void => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { work: () => done, release };
}

describe('FdGate', () => {
  it('holds at most its limit of operations and starts the waiting ones in turn', async () => {
    const gate = new FdGate(2);
    const order: string[] = [];
    const a = held();
    const b = held();
    const running = [gate.run(a.work), gate.run(b.work)];
    const waiting = ['c', 'd'].map((name) => gate.run(async () => void order.push(name)));
    expect(gate.stats()).toMatchObject({ inUse: 2, waiting: 2 });
    a.release();
    b.release();
    await Promise.all([...running, ...waiting]);
    expect(order).toEqual(['c', 'd']);
    expect(gate.stats()).toMatchObject({ inUse: 0, waiting: 0, peak: 2 });
  });

  it('starts an operation asked for first ahead of those already waiting', async () => {
    const gate = new FdGate(1);
    const order: string[] = [];
    const a = held();
    const running = gate.run(a.work);
    const later = ['file 1', 'file 2'].map((name) => gate.run(async () => void order.push(name)));
    const append = gate.run(async () => void order.push('journal'), { first: true });
    a.release();
    await Promise.all([running, ...later, append]);
    expect(order).toEqual(['journal', 'file 1', 'file 2']);
  });

  it('waits and tries again when the system is out of descriptors, instead of failing', async () => {
    const gate = new FdGate(4);
    let tries = 0;
    const value = await gate.run(async () => {
      if (++tries < 3) throw Object.assign(new Error('too many open files'), { code: 'EMFILE' });
      return 'written';
    });
    expect(value).toBe('written');
    expect(gate.stats().retries).toBe(2);
    await expect(
      gate.run(async () => {
        throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      }),
    ).rejects.toThrow('disk full');
  });
});
