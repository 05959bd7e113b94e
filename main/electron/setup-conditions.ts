import { ChangeListeners } from '../core/conditions/system-conditions.js';
import type {
  ConditionChange,
  IdleReading,
  NetworkReading,
  PowerReading,
  SystemConditions,
  UrlProbe,
} from '../core/conditions/system-conditions.js';
import { probeUrl } from '../core/conditions/url-probe.js';

/** The parts of Electron's powerMonitor and net the conditions use; tests pass stand-ins. */
export interface ConditionsElectronApi {
  powerMonitor: {
    isOnBatteryPower(): boolean;
    getSystemIdleTime(): number;
    on(event: string, listener: () => void): unknown;
  };
  net: { isOnline(): boolean };
}

/** powerMonitor events after which waiting runs are checked again at once. */
const EVENTS: Record<string, ConditionChange> = {
  'on-ac': 'power',
  'on-battery': 'power',
  resume: 'resume',
  'unlock-screen': 'idle',
  'user-did-become-active': 'idle',
};

/**
 * The desktop app's conditions: battery and idle time from powerMonitor, the network from
 * net.isOnline() (or a URL probe). Plugging in the charger or waking the machine ends a wait at
 * once; idle time and the network have no event and are re-checked once a minute.
 */
export function setupConditions({ powerMonitor, net }: ConditionsElectronApi): SystemConditions {
  const listeners = new ChangeListeners();
  for (const [event, change] of Object.entries(EVENTS))
    powerMonitor.on(event, () => listeners.emit(change));
  return {
    source: "Electron's powerMonitor and net",
    async onAcPower(): Promise<PowerReading> {
      const onBattery = powerMonitor.isOnBatteryPower();
      return onBattery ? { onAc: false, text: 'on battery' } : { onAc: true, text: 'on AC power' };
    },
    async networkUp(probe?: UrlProbe): Promise<NetworkReading> {
      if (probe) return probeUrl(probe);
      return net.isOnline()
        ? { up: true, text: 'the network is up' }
        : { up: false, text: 'the computer is offline' };
    },
    async idleSeconds(): Promise<IdleReading> {
      const seconds = powerMonitor.getSystemIdleTime();
      return { seconds, text: `no input for ${seconds} s` };
    },
    onChange: (listener) => listeners.add(listener),
  };
}
