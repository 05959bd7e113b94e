import type {
  ConditionChange,
  IdleReading,
  NetworkReading,
  PowerReading,
  SystemConditions,
  UrlProbe,
} from './system-conditions.js';
import { probeUrl } from './url-probe.js';

/**
 * A headless provider that reads the OS when asked and has no change events: waiting runs are
 * re-checked once a minute. A URL condition is probed the same way on every OS.
 */
export abstract class PolledConditions implements SystemConditions {
  abstract readonly source: string;
  abstract onAcPower(): Promise<PowerReading>;
  abstract idleSeconds(): Promise<IdleReading>;
  /** The machine's own idea of the network (routing table, interfaces). */
  protected abstract localNetwork(): Promise<NetworkReading>;

  networkUp(probe?: UrlProbe): Promise<NetworkReading> {
    return probe ? probeUrl(probe) : this.localNetwork();
  }

  onChange(listener: (change: ConditionChange) => void): () => void {
    void listener;
    return () => undefined;
  }
}
