import { readFile } from 'node:fs/promises';
import type { NetworkReading } from './system-conditions.js';

const RTF_UP = 0x1;

/**
 * Whether /proc/net/route (IPv4) or /proc/net/ipv6_route has a default route that is up: the
 * machine can reach beyond its own network. Text in, answer out, so it is tested on samples.
 */
export function defaultRouteFrom(route: string | null, ipv6Route: string | null): NetworkReading {
  for (const line of (route ?? '').split('\n').slice(1)) {
    const [iface, destination, , flags, , , , mask] = line.trim().split(/\s+/);
    if (!iface || destination !== '00000000' || mask !== '00000000') continue;
    if ((Number.parseInt(flags ?? '0', 16) & RTF_UP) !== 0)
      return { up: true, text: `a default route is up (via ${iface})` };
  }
  for (const line of (ipv6Route ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    const iface = f[9];
    // ::/0 not through the loopback device.
    if (
      f[0] === '0'.repeat(32) &&
      f[1] === '00' &&
      iface &&
      iface !== 'lo' &&
      (Number.parseInt(f[8] ?? '0', 16) & RTF_UP) !== 0
    )
      return { up: true, text: `an IPv6 default route is up (via ${iface})` };
  }
  return { up: false, text: 'no default route: the network is down' };
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function readDefaultRoute(procNet: string): Promise<NetworkReading> {
  const [route, ipv6] = await Promise.all([
    readOrNull(`${procNet}/route`),
    readOrNull(`${procNet}/ipv6_route`),
  ]);
  return defaultRouteFrom(route, ipv6);
}
