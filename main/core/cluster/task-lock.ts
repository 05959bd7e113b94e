import type { Redis } from 'ioredis';
import { CLUSTER_PREFIX } from './cluster-connection.js';

/**
 * Releases the locks that are still ours (KEYS[i] held by ARGV[i]): a lease that ran out may
 * belong to someone else now.
 */
const RELEASE = `for i = 1, #KEYS do if redis.call('get', KEYS[i]) == ARGV[i] then redis.call('del', KEYS[i]) end end return 0`;
/** Extends only our own lease. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
/**
 * Takes each lock KEYS[i] for owner ARGV[i] when it is free or already that owner's (the same job
 * after a stall), with the lease in the last ARGV; 1 or 0 for each.
 */
const ACQUIRE = `local lease = ARGV[#KEYS + 1] local got = {} for i = 1, #KEYS do local v = redis.call('get', KEYS[i]) if v == false or v == ARGV[i] then redis.call('set', KEYS[i], ARGV[i], 'PX', lease) got[i] = 1 else got[i] = 0 end end return got`;

/** At most this many locks go to Redis in one script. */
const BATCH_MAX = 500;

interface LockRequest {
  key: string;
  owner: string;
  done(error: Error | null, got: boolean): void;
}
/**
 * Joins (or stays in) a task's waiting line: members are job ids scored by when their lease ends,
 * so a worker that died while waiting drops out by itself. Refuses when the line is full.
 */
const WAIT = `redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[3]) if redis.call('zscore', KEYS[1], ARGV[1]) == false and redis.call('zcard', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end redis.call('zadd', KEYS[1], ARGV[2], ARGV[1]) redis.call('pexpire', KEYS[1], ARGV[5]) return 1`;

/** A held lock; `release()` is safe to call more than once. */
export interface HeldLock {
  release(): Promise<void>;
}

/** How many runs may hold the task at once, and how many may wait for it (null: no bound). */
export interface LockLimits {
  slots: number;
  maxWaiting: number | null;
}

const ONE: LockLimits = { slots: 1, maxWaiting: null };

/**
 * Runs of a task across every worker: overlap 'skip' and 'queue' allow one at a time, 'parallel'
 * up to maxConcurrent. Each slot is a Redis key with a lease, renewed while the run goes on, so a
 * worker that dies mid-run frees its slot after `leaseMs` instead of never. The owner is the
 * BullMQ job id: the same job retried after its worker died may take its own slot back at once.
 * Waiting runs stand in a bounded line, as the local engine's queue does.
 */
export class TaskLocks {
  readonly #redis: Redis;
  readonly #leaseMs: number;
  /**
   * Lock requests made in one turn of the event loop go to Redis as one script: the thousand
   * ticks due at one instant take (and give back) their locks in a round trip or two, not a
   * thousand, which had been two of the four Redis scripts a run cost.
   */
  readonly #pending = { acquire: [] as LockRequest[], release: [] as LockRequest[] };

  constructor(redis: Redis, leaseMs = 15_000) {
    this.#redis = redis;
    this.#leaseMs = leaseMs;
  }

  key(taskId: string, slot = 0): string {
    const base = `${CLUSTER_PREFIX}:task-lock:${taskId}`;
    return slot === 0 ? base : `${base}:${slot}`;
  }

  /** A free slot, or null when `slots` runs hold the task. */
  async tryAcquire(taskId: string, owner: string, slots = 1): Promise<HeldLock | null> {
    for (let slot = 0; slot < slots; slot++) {
      const key = this.key(taskId, slot);
      if (await this.#request('acquire', key, owner)) return this.#held(key, owner);
    }
    return null;
  }

  #request(kind: 'acquire' | 'release', key: string, owner: string): Promise<boolean> {
    return new Promise((resolveGot, reject) => {
      const queue = this.#pending[kind];
      queue.push({ key, owner, done: (error, got) => (error ? reject(error) : resolveGot(got)) });
      if (queue.length === 1) setImmediate(() => void this.#flush(kind));
    });
  }

  async #flush(kind: 'acquire' | 'release'): Promise<void> {
    const queue = this.#pending[kind];
    while (queue.length > 0) {
      const batch = queue.splice(0, BATCH_MAX);
      const keys = batch.map((r) => r.key);
      const owners = batch.map((r) => r.owner);
      try {
        const got =
          kind === 'acquire'
            ? ((await this.#redis.eval(
                ACQUIRE,
                keys.length,
                ...keys,
                ...owners,
                String(this.#leaseMs),
              )) as number[])
            : await this.#redis.eval(RELEASE, keys.length, ...keys, ...owners).then(() => []);
        batch.forEach((r, i) => r.done(null, got[i] === 1));
      } catch (error) {
        const reason = error instanceof Error ? error : new Error(String(error));
        for (const r of batch) r.done(reason, false);
      }
    }
  }

  #held(key: string, owner: string): HeldLock {
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
        await this.#request('release', key, owner).catch(() => undefined);
      },
    };
  }

  /** Joins the waiting line; false when `maxWaiting` runs already wait. */
  async #wait(taskId: string, owner: string, maxWaiting: number): Promise<boolean> {
    const now = Date.now();
    const got = await this.#redis.eval(
      WAIT,
      1,
      `${CLUSTER_PREFIX}:task-wait:${taskId}`,
      owner,
      String(now + this.#leaseMs),
      String(now),
      String(maxWaiting),
      String(this.#leaseMs * 2),
    );
    return got === 1;
  }

  async #leave(taskId: string, owner: string): Promise<void> {
    await this.#redis.zrem(`${CLUSTER_PREFIX}:task-wait:${taskId}`, owner).catch(() => undefined);
  }

  /**
   * Waits (polling every `pollMs`) for a slot: the lock, 'busy' when the waiting line is full,
   * or null when `signal` aborts first.
   */
  async acquire(
    taskId: string,
    owner: string,
    signal: AbortSignal,
    limits: LockLimits = ONE,
    pollMs = 200,
  ): Promise<HeldLock | null | 'busy'> {
    try {
      for (let first = true; ; first = false) {
        if (signal.aborted) return null;
        const lock = await this.tryAcquire(taskId, owner, limits.slots);
        if (lock !== null) return lock;
        // Joining again each round renews the place in line (its lease).
        if (limits.maxWaiting !== null && !(await this.#wait(taskId, owner, limits.maxWaiting))) {
          if (first) return 'busy';
        }
        await new Promise((resolveWait) => setTimeout(resolveWait, pollMs));
      }
    } finally {
      if (limits.maxWaiting !== null) await this.#leave(taskId, owner);
    }
  }
}
