import type { IdleReading, NetworkReading, PowerReading } from './system-conditions.js';
import { PolledConditions } from './polled-conditions.js';
import { commandOutput } from './os-command.js';
import { readInterfaces } from './interface-network.js';

/** Win32_Battery.BatteryStatus values that mean "running on the battery". */
const ON_BATTERY = new Set([1, 4, 5]);

/**
 * `Get-CimInstance Win32_Battery | Select-Object Name,BatteryStatus,EstimatedChargeRemaining |
 * ConvertTo-Json`: nothing without a battery, one object, or an array with several.
 * BatteryStatus 1 (discharging), 4 (low) and 5 (critical) are on battery; 2 (AC) and the
 * charging and charged values are on AC.
 */
export function powerFromWin32Battery(output: string): PowerReading {
  const text = output.trim();
  if (text === '') return { onAc: true, text: 'on AC, no battery' };
  const parsed: unknown = JSON.parse(text);
  const list = (Array.isArray(parsed) ? parsed : [parsed]) as {
    Name?: unknown;
    BatteryStatus?: unknown;
    EstimatedChargeRemaining?: unknown;
  }[];
  const first = list[0];
  if (!first) return { onAc: true, text: 'on AC, no battery' };
  const charge =
    typeof first.EstimatedChargeRemaining === 'number'
      ? `, ${first.EstimatedChargeRemaining}%`
      : '';
  const name = typeof first.Name === 'string' ? first.Name : 'battery';
  const onBattery = list.some(
    (b) => typeof b.BatteryStatus === 'number' && ON_BATTERY.has(b.BatteryStatus),
  );
  return onBattery
    ? { onAc: false, text: `on battery (${name}${charge})` }
    : { onAc: true, text: `on AC (${name}${charge})` };
}

const QUERY =
  'Get-CimInstance Win32_Battery | Select-Object Name,BatteryStatus,EstimatedChargeRemaining | ConvertTo-Json';

/** Conditions on Windows without Electron: PowerShell's Win32_Battery and the interfaces. */
export class WindowsConditions extends PolledConditions {
  readonly source = 'Windows Win32_Battery';

  async onAcPower(): Promise<PowerReading> {
    const output = await commandOutput('powershell.exe', [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      QUERY,
    ]);
    return powerFromWin32Battery(output);
  }

  protected async localNetwork(): Promise<NetworkReading> {
    return readInterfaces();
  }

  async idleSeconds(): Promise<IdleReading> {
    return {
      seconds: null,
      text: 'idle time cannot be known by the headless service on Windows (it needs the desktop app)',
    };
  }
}
