import { networkInterfaces } from 'node:os';
import type { NetworkReading } from './system-conditions.js';

type Interfaces = ReturnType<typeof networkInterfaces>;

/**
 * Whether an interface other than loopback has a routable address (not IPv4 169.254/16 nor
 * IPv6 fe80::/10): where no routing table is read (macOS, Windows headless), that is "up".
 */
export function networkFromInterfaces(interfaces: Interfaces): NetworkReading {
  for (const [name, addresses] of Object.entries(interfaces)) {
    for (const a of addresses ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4' && a.address.startsWith('169.254.')) continue;
      if (a.family === 'IPv6' && /^fe[89ab]/i.test(a.address)) continue;
      return { up: true, text: `${name} has address ${a.address}` };
    }
  }
  return { up: false, text: 'no network interface has an address: the network is down' };
}

export function readInterfaces(): NetworkReading {
  return networkFromInterfaces(networkInterfaces());
}
