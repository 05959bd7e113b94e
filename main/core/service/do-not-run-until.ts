import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { untilWords } from '../../api/until-words.js';
import { atomicWrite, removeAtomicTempFiles } from '../fs/atomic-write.js';
import { moveAside } from '../fs/move-aside.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { Notice } from './run-pipeline.js';
import { invalid } from './service-error.js';

/** The furthest ahead a "Do not run until …" may be set: a year and a day (a leap year). */
export const MAX_AHEAD_MS = 366 * 24 * 3600_000;
/** Timers wait at most this long (setTimeout cannot wait longer than ~24.8 days). */
const MAX_TIMER_MS = 24 * 3600_000;

const windowFile = z
  .object({ version: z.literal(1), from: z.number().int(), until: z.number().int() })
  .strict();

/** When it was set, and until when nothing but Run now runs. */
export interface HoldWindow {
  from: number;
  until: number;
}

const inside = (w: HoldWindow, at: number) => at >= w.from && at < w.until;

/**
 * The global "Do not run until …", kept in <dataDir>/scheduler/do-not-run-until.json so a
 * restart before the time keeps it. The scheduler keeps running: a run due inside the window,
 * or any run (a catch-up, an event, a chain, a retry) that would start while it lasts, is written
 * 'skipped' with the reason; Run now still runs. Clearing it ends the window now. Once past, it
 * is gone from the status and the file, but a catch-up of a due time inside it is still skipped
 * for as long as this process knows it.
 */
export class DoNotRunUntil {
  readonly #file: string;
  readonly #clock: Clock;
  #window: HoldWindow | null = null;
  #timer: TimerHandle | null = null;
  #writes: Promise<void> = Promise.resolve();
  /** Told when the window starts, is cleared, or ends by itself. */
  onChange: () => void = () => undefined;

  private constructor(dir: string, clock: Clock) {
    this.#file = join(dir, 'do-not-run-until.json');
    this.#clock = clock;
  }

  static async open(dataDir: string, clock: Clock, notice: Notice): Promise<DoNotRunUntil> {
    const dir = join(dataDir, 'scheduler');
    await mkdir(dir, { recursive: true });
    await removeAtomicTempFiles(dir);
    const hold = new DoNotRunUntil(dir, clock);
    let text: string;
    try {
      text = await readFile(hold.#file, 'utf8');
    } catch {
      return hold;
    }
    try {
      const { from, until } = windowFile.parse(JSON.parse(text));
      hold.#window = { from, until };
    } catch (error) {
      const movedTo = moveAside(hold.#file, clock.now());
      const why = error instanceof Error ? error.message.slice(0, 200) : String(error);
      notice(
        'warning',
        `The "Do not run until …" setting could not be read (${why}); it was moved to ${movedTo} (kept) and tasks run as scheduled. Set it again from the tray or the window if you still want it.`,
      );
      return hold;
    }
    if (hold.#window.until <= clock.now()) await hold.#save(null);
    else hold.#arm();
    return hold;
  }

  /** The window while it lasts, or null. */
  current(): HoldWindow | null {
    const w = this.#window;
    return w !== null && w.until > this.#clock.now() ? { ...w } : null;
  }

  /** Nothing but Run now runs until `until` (epoch ms, in the future, at most a year ahead). */
  async set(until: number): Promise<void> {
    const now = this.#clock.now();
    if (until <= now)
      throw invalid(
        `until: ${new Date(until).toISOString()} is not in the future; choose a later date and time`,
        'until',
      );
    if (until > now + MAX_AHEAD_MS)
      throw invalid(
        `until: ${new Date(until).toISOString()} is more than a year ahead; choose a date within a year, or stop the scheduler instead`,
        'until',
      );
    const window = { from: this.current()?.from ?? now, until };
    await this.#save(window);
    this.#window = window;
    this.#arm();
    this.onChange();
  }

  /** Runs as scheduled again from now ("Run now again"); the window so far still holds its runs. */
  async clear(): Promise<void> {
    const w = this.current();
    if (w === null) return;
    await this.#save(null);
    this.#window = { from: w.from, until: this.#clock.now() };
    this.#disarm();
    this.onChange();
  }

  /**
   * Why a run due at `scheduledFor` (null: now) must not start now, or null: the window lasts,
   * or the due time fell inside it. Called for every run submitted: two comparisons.
   */
  hold(scheduledFor: number | null): string | null {
    const w = this.#window;
    if (w === null) return null;
    if (this.#clock.now() >= w.until && (scheduledFor === null || !inside(w, scheduledFor)))
      return null;
    return this.#reason(w);
  }

  /**
   * Why a run due at `scheduledFor` would not have run: the time fell inside the window, past or
   * present (e.g. Crontray was closed through all of it). Null outside it.
   */
  heldAt(scheduledFor: number): string | null {
    const w = this.#window;
    return w !== null && inside(w, scheduledFor) ? this.#reason(w) : null;
  }

  /**
   * The window this process knows (lasting, ended or cleared) with its sentence, or null: the
   * cluster's workers apply it as heldAt and hold do, to due times the controller hands them.
   */
  known(): (HoldWindow & { reason: string }) | null {
    const w = this.#window;
    return w === null ? null : { ...w, reason: this.#reason(w) };
  }

  #reason(w: HoldWindow): string {
    return `Skipped: Crontray was told not to run until ${untilWords(w.until, this.#clock.now())}; Run now still runs a task.`;
  }

  close(): Promise<void> {
    this.#disarm();
    return this.#writes;
  }

  #arm(): void {
    this.#disarm();
    const w = this.#window;
    if (w === null) return;
    const left = w.until - this.#clock.now();
    this.#timer = this.#clock.setTimer(
      () => {
        this.#timer = null;
        if (this.current() !== null) return this.#arm();
        // Ended by itself: the file goes, and the tray and window stop saying it.
        void this.#save(null).catch(() => undefined);
        this.onChange();
      },
      Math.min(Math.max(0, left), MAX_TIMER_MS),
    );
  }

  #disarm(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  /** Writes or removes the file, one change at a time, in order. */
  #save(window: HoldWindow | null): Promise<void> {
    const file = this.#file;
    const write =
      window === null
        ? () => rm(file, { force: true })
        : () => atomicWrite(file, JSON.stringify({ version: 1, ...window }));
    const done = this.#writes.then(write);
    this.#writes = done.catch(() => undefined);
    return done;
  }
}
