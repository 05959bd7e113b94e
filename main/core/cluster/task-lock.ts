import type { Redis } from 'ioredis';
import { CLUSTER_PREFIX } from './cluster-connection.js';

/** Releases only when the lock is still ours: a lease that ran out may belong to someone else now. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
/** Extends only our own lease. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
/** Takes a free lock, or one already held under the same owner (the same job after a stall). */
const ACQUIRE = `local v = redis.call('get', KEYS[1]) if v == false or v == ARGV[1] then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0`;

/** A held lock; `release()` is safe to call more than once. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One run of a task at a time across every worker (overlap 'skip' and 'queue'): a Redis key with
 * a lease, renewed while the run goes on, so a worker that dies mid-run frees the task after
 * `leaseMs` instead of never. The owner is the BullMQ job id: the same job retried after its
 * worker died may take its own lock back at once.
 */
export class TaskLocks {
  readonly #redis: Redis;
  readonly #leaseMs: number;

  constructor(redis: Redis, leaseMs = 15_000) {
    this.#redis = redis;
    this.#leaseMs = leaseMs;
  }

  key(taskId: string): string {
    return `${CLUSTER_PREFIX}:task-lock:${taskId}`;
  }

  /** The lock, or null when another run holds it. */
  async tryAcquire(taskId: string, owner: string): Promise<HeldLock | null> {
    const key = this.key(taskId);
    const got = await this.#redis.eval(ACQUIRE, 1, key, owner, String(this.#leaseMs));
    if (got !== 1) return null;
    const every = Math.max(100, Math.floor(this.#leaseMs / 3));
    const timer = setInterval(() => {
      this.#redis.eval(RENEW, 1, key, owner, String(this.#leaseMs)).catch(() => {
        // Redis away: the lease runs out on its own, which is the point of a lease.
      });
    }, every);
    timer.unref();
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        await this.#redis.eval(RELEASE, 1, key, owner).catch(() => undefined);
      },
    };
  }

  /** Waits (polling every `pollMs`) until the lock is free or `signal` aborts; null then. */
  async acquire(
    taskId: string,
    owner: string,
    signal: AbortSignal,
    pollMs = 200,
  ): Promise<HeldLock | null> {
    for (;;) {
      if (signal.aborted) return null;
      const lock = await this.tryAcquire(taskId, owner);
      if (lock !== null) return lock;
      await new Promise((resolveWait) => setTimeout(resolveWait, pollMs));
    }
  }
}
