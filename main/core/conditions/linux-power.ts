import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PowerReading } from './system-conditions.js';

/** One entry of /sys/class/power_supply. */
export interface PowerSupply {
  name: string;
  /** 'Mains', 'Battery', 'USB', 'UPS', … */
  type: string;
  /** `online` (mains, USB): true when plugged in; null when the file is missing. */
  online: boolean | null;
  /** `status` (batteries): 'Charging', 'Discharging', 'Full', 'Not charging', … */
  status: string | null;
  capacity: string | null;
}

async function readTrimmed(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

/** Reads every supply under `root` (normally /sys/class/power_supply); none when it is missing. */
export async function readPowerSupplies(root: string): Promise<PowerSupply[]> {
  let names: string[];
  try {
    names = (await readdir(root)).sort();
  } catch {
    return [];
  }
  return Promise.all(
    names.map(async (name) => {
      const dir = join(root, name);
      const [type, online, status, capacity] = await Promise.all(
        ['type', 'online', 'status', 'capacity'].map((f) => readTrimmed(join(dir, f))),
      );
      return {
        name,
        type: type ?? 'Unknown',
        online: online === null || online === undefined ? null : online === '1',
        status: status ?? null,
        capacity: capacity ?? null,
      };
    }),
  );
}

const EXTERNAL = new Set(['Mains', 'USB', 'UPS']);

/**
 * What the supplies say: AC when a mains (or USB, UPS) supply is online; battery when they are
 * all offline, or when there is only a battery and it discharges; a machine with no battery and
 * no mains entry (a server, a VM) is on AC.
 */
export function powerFromSupplies(supplies: readonly PowerSupply[]): PowerReading {
  const external = supplies.filter((s) => EXTERNAL.has(s.type) && s.online !== null);
  const batteries = supplies.filter((s) => s.type === 'Battery');
  const battery = batteries[0];
  const batteryText = battery
    ? `${battery.name} ${(battery.status ?? 'status unknown').toLowerCase()}${battery.capacity ? `, ${battery.capacity}%` : ''}`
    : 'no battery';
  const online = external.find((s) => s.online === true);
  if (online) return { onAc: true, text: `on AC (${online.name} online), ${batteryText}` };
  if (external.length > 0)
    return {
      onAc: false,
      text: `on battery (${external.map((s) => s.name).join(', ')} offline; ${batteryText})`,
    };
  if (!battery) return { onAc: true, text: 'on AC, no battery' };
  const discharging = batteries.some((b) => b.status === 'Discharging');
  return discharging
    ? { onAc: false, text: `on battery (${batteryText})` }
    : { onAc: true, text: `on AC (${batteryText})` };
}
