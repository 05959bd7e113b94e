import type {
  ConditionChange,
  IdleReading,
  NetworkReading,
  PowerReading,
  SystemConditions,
  UrlProbe,
} from './system-conditions.js';
import { ChangeListeners } from './system-conditions.js';

/** What a {@link FakeConditions} says; `set` changes any part and tells the listeners. */
export interface FakeConditionState {
  onAc: boolean;
  networkUp: boolean;
  /** URLs that answer; any other URL does not. */
  answeringUrls: string[];
  /** null: idle time unknown. */
  idleSeconds: number | null;
}

/**
 * A provider whose answers a test sets, for engine tests and the headless test hook. `set()`
 * emits a change event, as a real provider does when the power cable goes in. `checks` counts
 * how often the engine asked, so tests can see it does not poll.
 */
export class FakeConditions implements SystemConditions {
  readonly source = 'test conditions';
  readonly #listeners = new ChangeListeners();
  #state: FakeConditionState;
  checks = 0;

  constructor(state: Partial<FakeConditionState> = {}) {
    this.#state = { onAc: true, networkUp: true, answeringUrls: [], idleSeconds: 0, ...state };
  }

  get state(): Readonly<FakeConditionState> {
    return this.#state;
  }

  /** Changes the state; `silently` leaves the listeners out (a provider without events). */
  set(change: Partial<FakeConditionState>, silently = false): void {
    this.#state = { ...this.#state, ...change };
    if (silently) return;
    const what: ConditionChange =
      'onAc' in change ? 'power' : 'idleSeconds' in change ? 'idle' : 'network';
    this.#listeners.emit(what);
  }

  async onAcPower(): Promise<PowerReading> {
    this.checks++;
    const onAc = this.#state.onAc;
    return { onAc, text: onAc ? 'on AC power' : 'on battery' };
  }

  async networkUp(probe?: UrlProbe): Promise<NetworkReading> {
    this.checks++;
    if (probe) {
      const up = this.#state.networkUp && this.#state.answeringUrls.includes(probe.url);
      return { up, text: up ? `${probe.url} answered` : `${probe.url} did not answer` };
    }
    const up = this.#state.networkUp;
    return { up, text: up ? 'the network is up' : 'the network is down' };
  }

  async idleSeconds(): Promise<IdleReading> {
    this.checks++;
    const seconds = this.#state.idleSeconds;
    return {
      seconds,
      text: seconds === null ? 'idle time cannot be known here' : `idle for ${seconds} s`,
    };
  }

  onChange(listener: (change: ConditionChange) => void): () => void {
    return this.#listeners.add(listener);
  }
}
