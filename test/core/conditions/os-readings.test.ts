import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { idleFromIoreg, powerFromPmset } from '../../../main/core/conditions/macos-conditions.js';
import { powerFromWin32Battery } from '../../../main/core/conditions/windows-conditions.js';
import { networkFromInterfaces } from '../../../main/core/conditions/interface-network.js';
import { probeUrl } from '../../../main/core/conditions/url-probe.js';

describe('macOS pmset -g batt', () => {
  it('a MacBook on its charger is on AC', () => {
    const out =
      "Now drawing from 'AC Power'\n -InternalBattery-0 (id=4653155)\t100%; charged; 0:00 remaining present: true\n";
    expect(powerFromPmset(out)).toEqual({ onAc: true, text: 'on AC (100%, charged)' });
  });

  it('a MacBook unplugged is on battery', () => {
    const out =
      "Now drawing from 'Battery Power'\n -InternalBattery-0 (id=4653155)\t87%; discharging; 5:12 remaining present: true\n";
    expect(powerFromPmset(out)).toEqual({ onAc: false, text: 'on battery (87%, discharging)' });
  });

  it('a Mac mini has no battery: on AC, no battery', () => {
    expect(powerFromPmset("Now drawing from 'AC Power'\n")).toEqual({
      onAc: true,
      text: 'on AC, no battery',
    });
  });

  it('ioreg HIDIdleTime in nanoseconds is read as seconds', () => {
    expect(idleFromIoreg('    |   "HIDIdleTime" = 125340958250\n')).toBe(125);
    expect(idleFromIoreg('nothing here')).toBeNull();
  });
});

describe('Windows Get-CimInstance Win32_Battery', () => {
  it('a desktop without a battery prints nothing: on AC, no battery', () => {
    expect(powerFromWin32Battery('\r\n')).toEqual({ onAc: true, text: 'on AC, no battery' });
  });

  it('BatteryStatus 1 (discharging) is on battery', () => {
    const out =
      '{\r\n    "Name":  "DELL 7FHFW93",\r\n    "BatteryStatus":  1,\r\n    "EstimatedChargeRemaining":  71\r\n}\r\n';
    expect(powerFromWin32Battery(out)).toEqual({
      onAc: false,
      text: 'on battery (DELL 7FHFW93, 71%)',
    });
  });

  it('BatteryStatus 2 (AC) in a list of two batteries is on AC', () => {
    const out =
      '[{"Name":"Primary","BatteryStatus":2,"EstimatedChargeRemaining":100},{"Name":"Secondary","BatteryStatus":3,"EstimatedChargeRemaining":100}]';
    expect(powerFromWin32Battery(out)).toEqual({ onAc: true, text: 'on AC (Primary, 100%)' });
  });
});

describe('the network from the interfaces (macOS, Windows headless)', () => {
  const lo = {
    address: '127.0.0.1',
    netmask: '255.0.0.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal: true,
    cidr: '127.0.0.1/8',
  } as const;

  it('only loopback and a self-assigned address mean the network is down', () => {
    expect(
      networkFromInterfaces({
        lo0: [lo],
        en0: [{ ...lo, address: '169.254.10.2', internal: false, cidr: '169.254.10.2/16' }],
      }).up,
    ).toBe(false);
  });

  it('a routable address means it is up', () => {
    expect(
      networkFromInterfaces({
        en0: [{ ...lo, address: '192.168.1.20', internal: false, cidr: null }],
      }),
    ).toEqual({ up: true, text: 'en0 has address 192.168.1.20' });
  });
});

describe('a URL that must answer', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  }

  it('any answer counts, even a 404', async () => {
    const url = await serve((_req, res) => res.writeHead(404).end());
    expect(await probeUrl({ url, timeoutMs: 2000 })).toEqual({
      up: true,
      text: `${url} answered 404`,
    });
  });

  it('a server that does not answer in time is down, saying so', async () => {
    const url = await serve(() => undefined);
    const reading = await probeUrl({ url, timeoutMs: 200 });
    expect(reading).toEqual({ up: false, text: `${url} did not answer within 200 ms` });
    for (const s of servers) s.closeAllConnections();
  });

  it('a closed port is down, naming the error', async () => {
    const url = await serve((_req, res) => res.end());
    await new Promise((r) => servers.pop()?.close(r));
    const reading = await probeUrl({ url, timeoutMs: 2000 });
    expect(reading.up).toBe(false);
    expect(reading.text).toContain('could not be reached (ECONNREFUSED)');
  });
});
