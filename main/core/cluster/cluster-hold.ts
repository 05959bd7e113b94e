import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RunTrigger } from '../model/run.js';
import { CLUSTER_PREFIX } from './cluster-connection.js';

/** Where the controller puts the global "Do not run until …" for the workers, and says so. */
export const HOLD_KEY = `${CLUSTER_PREFIX}:do-not-run-until`;
export const HOLD_CHANNEL = `${CLUSTER_PREFIX}:do-not-run-until`;

/**
 * The desktop's "Do not run until …" window as the workers apply it. The controller keeps it in
 * its data folder (do-not-run-until.json) and writes it to Redis on every connect and change, so
 * Redis only carries it. `reason` is the desktop's own sentence, words and zone included, so a
 * held cluster run reads exactly as a held local one.
 */
export const clusterHold = z.object({
  from: z.number().int(),
  until: z.number().int(),
  reason: z.string().min(1).max(512),
});

export type ClusterHold = z.output<typeof clusterHold>;

/** The reason when the due time fell inside the window (a miss there is written skipped), or null. */
export function heldAt(hold: ClusterHold | null, at: number): string | null {
  return hold !== null && at >= hold.from && at < hold.until ? hold.reason : null;
}

/**
 * The record fields of a due time that did not run: 'skipped' with the hold's sentence when it
 * fell inside the window (it would not have run anyway), else 'missed' with `missed`.
 */
export function notRunFields(held: string | null, missed: string) {
  return held === null
    ? { status: 'missed' as const, error: missed }
    : { status: 'skipped' as const, skipReason: 'do-not-run-until' as const, error: held };
}

/**
 * Why a run due at `scheduledFor` must not start now, or null: as on the desktop, nothing starts
 * while the window lasts, a due time inside it is never run (a catch-up of it later neither), and
 * Run now always runs.
 */
export function holdReason(
  hold: ClusterHold | null,
  scheduledFor: number | null,
  trigger: RunTrigger,
  now = Date.now(),
): string | null {
  if (hold === null || trigger === 'manual') return null;
  if (now < hold.until) return hold.reason;
  return scheduledFor === null ? null : heldAt(hold, scheduledFor);
}

/** The controller's side: writes the window (or takes it away) and tells the workers. */
export async function publishHold(redis: Redis, hold: ClusterHold | null): Promise<void> {
  if (hold === null) await redis.del(HOLD_KEY);
  else await redis.set(HOLD_KEY, JSON.stringify(hold));
  await redis.publish(HOLD_CHANNEL, 'changed');
}

/** What a worker's runs ask of the window. */
export type RunHold = Pick<HoldFollower, 'reason' | 'heldAt'>;

/**
 * A worker's copy of the window: read at start, again whenever the controller says it changed,
 * and with every heartbeat (a message lost while the connection was down is caught up then).
 */
export class HoldFollower {
  readonly #warn: (message: string) => void;
  #hold: ClusterHold | null = null;
  #warned = false;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  async refresh(redis: Redis): Promise<void> {
    const text = await redis.get(HOLD_KEY);
    if (text === null) {
      this.#hold = null;
      return;
    }
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Reported below with the schema's refusal.
    }
    const parsed = clusterHold.safeParse(json);
    if (parsed.success) {
      this.#hold = parsed.data;
      this.#warned = false;
    } else if (!this.#warned) {
      // Another version's shape: keep the last window read rather than run through a hold.
      this.#warned = true;
      this.#warn(
        `Cluster worker: ${HOLD_KEY} in Redis is not a "Do not run until" window; kept the last one read`,
      );
    }
  }

  /** See holdReason. */
  reason(scheduledFor: number | null, trigger: RunTrigger): string | null {
    return holdReason(this.#hold, scheduledFor, trigger);
  }

  /** See heldAt. */
  heldAt(at: number): string | null {
    return heldAt(this.#hold, at);
  }
}
