import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../fs/atomic-write.js';
import { moveAside } from '../fs/move-aside.js';
import type { Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { AlertMessage } from './alert-message.js';
import { outboxEntry } from './outbox-entry.js';
import type { Delivery, DeliveryAttempt, OutboxEntry } from './outbox-entry.js';

/** Undelivered alerts are retried for this long after they were raised, then given up. */
export const RETRY_WINDOW_MS = 24 * 3600_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3600_000;
/** Deliveries in flight at once, so a burst of alerts cannot flood a receiver or the loop. */
const CONCURRENCY = 4;

/** What a channel reports for one try; `retry` asks for another later. */
export type AttemptResult = Omit<DeliveryAttempt, 'at'> & { retry: boolean };

/** Sends one delivery of one entry; never throws (a throw is recorded as a failed try). */
export type Deliver = (entry: OutboxEntry, delivery: Delivery) => Promise<AttemptResult>;

export interface OutboxOptions {
  /** <dataDir>/alerts/outbox */
  dir: string;
  clock: Clock;
  logger: Logger;
  deliver: Deliver;
  /** Entries whose deliveries are all final are removed after this long. */
  retentionMs: () => number;
  /** After every try, once it is on disk (the Alerts view follows deliveries). */
  onAttempt?: () => void;
}

/** The wait before try number `attempt + 1`: 30 s, 1 min, 2 min … at most an hour. */
export function retryDelay(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

/**
 * The durable outbox. An alert is written to disk before anything is sent, every try is written
 * after it, and on start the entries still pending are picked up again, so an alert raised
 * before a crash or a quit is delivered after the restart. Sending never runs on the caller's
 * path: enqueue() returns once the entry is on disk.
 */
export class Outbox {
  readonly #o: OutboxOptions;
  readonly #entries = new Map<string, OutboxEntry>();
  readonly #inFlight = new Set<string>();
  #timer: TimerHandle | null = null;
  #timerAt: number | null = null;
  #writes = new Map<string, Promise<void>>();
  #idle: (() => void)[] = [];
  #closed = false;

  constructor(options: OutboxOptions) {
    this.#o = options;
  }

  /**
   * Reads every entry and retries what is pending at once; unreadable files are moved aside
   * (kept) and named in the result.
   */
  async load(): Promise<string[]> {
    await mkdir(this.#o.dir, { recursive: true });
    const notices: string[] = [];
    const now = this.#o.clock.now();
    for (const name of await readdir(this.#o.dir)) {
      if (!name.endsWith('.json')) continue;
      const path = join(this.#o.dir, name);
      try {
        const entry = outboxEntry.parse(JSON.parse(await readFile(path, 'utf8')));
        // A start is a fresh chance: the receiver (or this machine's network) may be back, and
        // a try cut short by a crash left its delivery pending, so pending ones are due now.
        for (const d of entry.deliveries)
          if (d.state === 'pending') d.nextAttemptAt = Math.min(d.nextAttemptAt ?? now, now);
        this.#entries.set(entry.id, entry);
      } catch {
        notices.push(
          `Alerts: an outbox entry could not be read; it was moved to ${moveAside(path, this.#o.clock.now())} (kept).`,
        );
      }
    }
    this.#pump();
    return notices;
  }

  /** Stores a new entry, then starts delivering it. */
  async enqueue(
    message: AlertMessage,
    channels: Pick<Delivery, 'channelId' | 'channelKind' | 'channelName'>[],
    extra: Pick<OutboxEntry, 'type' | 'ping' | 'incidentId'>,
  ): Promise<OutboxEntry> {
    const now = this.#o.clock.now();
    const entry: OutboxEntry = {
      version: 1,
      id: randomUUID(),
      createdAt: now,
      message,
      ...extra,
      deliveries: channels.map((c) => ({
        ...c,
        state: 'pending',
        nextAttemptAt: now,
        attempts: [],
      })),
    };
    this.#entries.set(entry.id, entry);
    await this.#save(entry);
    this.#pump();
    return entry;
  }

  get(id: string): OutboxEntry | undefined {
    return this.#entries.get(id);
  }

  /** Newest first. */
  list(filter: (e: OutboxEntry) => boolean = () => true): OutboxEntry[] {
    // Reversed first, so entries raised in the same millisecond list newest first too.
    return [...this.#entries.values()]
      .reverse()
      .filter(filter)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Deliveries still waiting for a try. */
  pendingCount(): number {
    let n = 0;
    for (const e of this.#entries.values())
      for (const d of e.deliveries) if (d.state === 'pending') n++;
    return n;
  }

  /** Resolves when nothing is being sent and nothing pending is due now. */
  whenIdle(): Promise<void> {
    if (this.#inFlight.size === 0 && !this.#hasDueWork()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Removes entries whose deliveries are all final and older than the retention. */
  async prune(): Promise<number> {
    const before = this.#o.clock.now() - this.#o.retentionMs();
    let removed = 0;
    for (const entry of [...this.#entries.values()]) {
      if (entry.createdAt >= before) continue;
      if (entry.deliveries.some((d) => d.state === 'pending')) continue;
      this.#entries.delete(entry.id);
      await rm(this.#path(entry.id), { force: true });
      removed++;
    }
    return removed;
  }

  /** Stops trying; what is pending stays on disk for the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) this.#o.clock.clearTimer(this.#timer);
    this.#timer = null;
    await Promise.all(this.#writes.values());
  }

  #path(id: string): string {
    return join(this.#o.dir, `${id}.json`);
  }

  /** Writes one entry; writes of the same entry follow each other in order. */
  #save(entry: OutboxEntry): Promise<void> {
    const text = JSON.stringify(entry);
    const previous = this.#writes.get(entry.id) ?? Promise.resolve();
    const next = previous.then(() => atomicWrite(this.#path(entry.id), text, { mode: 0o600 }));
    const settled = next.catch((error: unknown) =>
      this.#o.logger.error(`Alerts: saving outbox entry ${entry.id} failed`, error),
    );
    this.#writes.set(entry.id, settled);
    void settled.then(() => {
      if (this.#writes.get(entry.id) === settled) this.#writes.delete(entry.id);
    });
    return next;
  }

  #hasDueWork(): boolean {
    const now = this.#o.clock.now();
    for (const e of this.#entries.values())
      for (const d of e.deliveries)
        if (
          d.state === 'pending' &&
          (d.nextAttemptAt ?? 0) <= now &&
          !this.#inFlight.has(key(e, d))
        )
          return true;
    return false;
  }

  /** Starts what is due (up to CONCURRENCY) and arms one timer for the next try. */
  #pump(): void {
    if (this.#closed) return;
    const now = this.#o.clock.now();
    let nextAt: number | null = null;
    for (const entry of this.#entries.values()) {
      for (const d of entry.deliveries) {
        if (d.state !== 'pending' || this.#inFlight.has(key(entry, d))) continue;
        const at = d.nextAttemptAt ?? now;
        if (at <= now && this.#inFlight.size < CONCURRENCY) this.#attempt(entry, d);
        else if (nextAt === null || at < nextAt) nextAt = Math.max(at, now);
      }
    }
    this.#arm(nextAt);
    if (this.#inFlight.size === 0 && !this.#hasDueWork()) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  #arm(at: number | null): void {
    if (at === this.#timerAt) return;
    if (this.#timer) this.#o.clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#timerAt = at;
    if (at === null) return;
    this.#timer = this.#o.clock.setTimer(() => {
      this.#timer = null;
      this.#timerAt = null;
      this.#pump();
    }, at - this.#o.clock.now());
  }

  #attempt(entry: OutboxEntry, d: Delivery): void {
    const k = key(entry, d);
    this.#inFlight.add(k);
    void this.#o
      .deliver(entry, d)
      .catch((error: unknown): AttemptResult => ({
        outcome: 'failed',
        httpStatus: null,
        smtpReply: null,
        message: `Alerts: the ${d.channelKind} channel failed unexpectedly (${error instanceof Error ? error.name : 'error'})`,
        retry: true,
      }))
      .then(async (result) => {
        const now = this.#o.clock.now();
        const { retry, ...attempt } = result;
        d.attempts.push({ ...attempt, at: now });
        if (attempt.outcome === 'delivered' || attempt.outcome === 'skipped') {
          d.state = attempt.outcome;
          d.nextAttemptAt = null;
        } else {
          const next = now + retryDelay(d.attempts.length);
          const giveUp = !retry || next > entry.createdAt + RETRY_WINDOW_MS;
          d.state = giveUp ? 'failed' : 'pending';
          d.nextAttemptAt = giveUp ? null : next;
        }
        await this.#save(entry).catch(() => undefined);
        this.#o.onAttempt?.();
      })
      .finally(() => {
        this.#inFlight.delete(k);
        this.#pump();
      });
  }
}

function key(entry: OutboxEntry, d: Delivery): string {
  return `${entry.id}/${d.channelId}`;
}
