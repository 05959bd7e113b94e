import type { IdleReading, NetworkReading, PowerReading } from './system-conditions.js';
import { PolledConditions } from './polled-conditions.js';
import { powerFromSupplies, readPowerSupplies } from './linux-power.js';
import { readDefaultRoute } from './linux-network.js';

/**
 * Conditions on a headless Linux machine, from the kernel's files: power from
 * /sys/class/power_supply, the network from the routing table. There is no user session to ask
 * for idle time, so it is unknown (an idle condition then holds). No change events: waiting
 * runs are re-checked once a minute.
 */
export class LinuxConditions extends PolledConditions {
  readonly source = 'Linux /sys/class/power_supply and /proc/net/route';

  constructor(
    private readonly paths: {
      /** Default /sys/class/power_supply; tests pass a folder of their own. */
      powerSupply?: string;
      /** Default /proc/net. */
      procNet?: string;
    } = {},
  ) {
    super();
  }

  async onAcPower(): Promise<PowerReading> {
    return powerFromSupplies(
      await readPowerSupplies(this.paths.powerSupply ?? '/sys/class/power_supply'),
    );
  }

  protected async localNetwork(): Promise<NetworkReading> {
    return readDefaultRoute(this.paths.procNet ?? '/proc/net');
  }

  async idleSeconds(): Promise<IdleReading> {
    return {
      seconds: null,
      text: 'idle time cannot be known on a headless Linux server (no user session to ask)',
    };
  }
}
