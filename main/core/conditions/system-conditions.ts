/**
 * What the engine asks the machine before a run with conditions starts. Each host gives its own
 * provider (Electron's powerMonitor, the OS files and commands in headless mode); engine tests
 * pass a {@link FakeConditions}. Every reading carries its words for a person.
 */

/** Whether the machine runs on mains power. */
export interface PowerReading {
  /** True on AC (and on a machine without a battery); false on battery. */
  onAc: boolean;
  /** e.g. "on AC, no battery", "on battery (BAT0 discharging, 64%)". */
  text: string;
}

/** Whether the network is up (or a given URL answered). */
export interface NetworkReading {
  up: boolean;
  /** e.g. "a default route is present", "https://example.org answered 200". */
  text: string;
}

/** How long the user has not touched keyboard or mouse. */
export interface IdleReading {
  /** Seconds since the last input; null where it cannot be known (a headless server). */
  seconds: number | null;
  text: string;
}

/** Ask for a URL instead of the machine's network state. */
export interface UrlProbe {
  url: string;
  timeoutMs: number;
}

/** What changed: the provider's hint; the engine re-checks every waiting run whatever it is. */
export type ConditionChange = 'power' | 'network' | 'idle' | 'resume';

export interface SystemConditions {
  /** A short name of where the readings come from ("Linux /sys/class/power_supply"). */
  readonly source: string;
  onAcPower(): Promise<PowerReading>;
  /** The machine's network; with `probe`, whether that URL answers within its timeout. */
  networkUp(probe?: UrlProbe): Promise<NetworkReading>;
  idleSeconds(): Promise<IdleReading>;
  /**
   * Calls `listener` when power, network or idle state may have changed, or the machine woke.
   * Returns the function that stops it. A provider without events never calls it: waiting runs
   * are then re-checked once a minute.
   */
  onChange(listener: (change: ConditionChange) => void): () => void;
}

/** A small list of listeners for providers' change events; a throwing listener is contained. */
export class ChangeListeners {
  readonly #listeners = new Set<(change: ConditionChange) => void>();

  add(listener: (change: ConditionChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  emit(change: ConditionChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own (the engine logs inside its listener).
      }
    }
  }
}
