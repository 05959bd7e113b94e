import type { IdleReading, NetworkReading, PowerReading } from './system-conditions.js';
import { PolledConditions } from './polled-conditions.js';
import { commandOutput } from './os-command.js';
import { readInterfaces } from './interface-network.js';

/** `pmset -g batt`: "Now drawing from 'AC Power'" or "'Battery Power'", then each battery. */
export function powerFromPmset(output: string): PowerReading {
  const source = /drawing from '([^']+)'/.exec(output)?.[1];
  const battery = /-InternalBattery-\d+[^\t]*\t(\d+%); ([^;]+);/.exec(output);
  const detail = battery ? `${battery[1]}, ${battery[2]}` : 'no battery';
  if (source === 'Battery Power') return { onAc: false, text: `on battery (${detail})` };
  if (source === undefined)
    return { onAc: true, text: `power source unknown, taken as AC (${detail})` };
  return { onAc: true, text: battery ? `on AC (${detail})` : 'on AC, no battery' };
}

/** `ioreg -c IOHIDSystem`: HIDIdleTime in nanoseconds. */
export function idleFromIoreg(output: string): number | null {
  const ns = /"HIDIdleTime" = (\d+)/.exec(output)?.[1];
  return ns === undefined ? null : Math.floor(Number(ns) / 1e9);
}

/** Conditions on macOS without Electron: `pmset`, `ioreg` and the network interfaces. */
export class MacConditions extends PolledConditions {
  readonly source = 'macOS pmset and ioreg';

  async onAcPower(): Promise<PowerReading> {
    return powerFromPmset(await commandOutput('pmset', ['-g', 'batt']));
  }

  protected async localNetwork(): Promise<NetworkReading> {
    return readInterfaces();
  }

  async idleSeconds(): Promise<IdleReading> {
    const seconds = idleFromIoreg(await commandOutput('ioreg', ['-c', 'IOHIDSystem', '-d', '4']));
    return {
      seconds,
      text: seconds === null ? 'ioreg did not report the idle time' : `idle for ${seconds} s`,
    };
  }
}
