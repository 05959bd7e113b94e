import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxConditions } from '../../../main/core/conditions/linux-conditions.js';
import { defaultRouteFrom } from '../../../main/core/conditions/linux-network.js';

const dirs: string[] = [];

/** A folder laid out like /sys/class/power_supply, one sub-folder per supply. */
async function sysfs(supplies: Record<string, Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'crontray-sysfs-'));
  dirs.push(root);
  for (const [name, files] of Object.entries(supplies)) {
    await mkdir(join(root, name));
    for (const [file, text] of Object.entries(files))
      await writeFile(join(root, name, file), `${text}\n`);
  }
  return root;
}

afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const battery = (status: string) => ({ type: 'Battery', status, capacity: '64' });

describe('Linux power from /sys/class/power_supply', () => {
  it('a laptop with its AC adapter online is on AC', async () => {
    const root = await sysfs({ AC: { type: 'Mains', online: '1' }, BAT0: battery('Charging') });
    expect(await new LinuxConditions({ powerSupply: root }).onAcPower()).toEqual({
      onAc: true,
      text: 'on AC (AC online), BAT0 charging, 64%',
    });
  });

  it('a laptop with its AC adapter offline is on battery', async () => {
    const root = await sysfs({
      ACAD: { type: 'Mains', online: '0' },
      BAT0: battery('Discharging'),
    });
    expect(await new LinuxConditions({ powerSupply: root }).onAcPower()).toEqual({
      onAc: false,
      text: 'on battery (ACAD offline; BAT0 discharging, 64%)',
    });
  });

  it('a machine with only a battery entry is on battery while it discharges, on AC while it charges', async () => {
    const discharging = await sysfs({ BAT1: battery('Discharging') });
    expect((await new LinuxConditions({ powerSupply: discharging }).onAcPower()).onAc).toBe(false);
    const charging = await sysfs({ BAT1: battery('Full') });
    expect((await new LinuxConditions({ powerSupply: charging }).onAcPower()).onAc).toBe(true);
  });

  it('a machine with no power supply entries (or no folder) is "on AC, no battery", not an error', async () => {
    const empty = await sysfs({});
    expect(await new LinuxConditions({ powerSupply: empty }).onAcPower()).toEqual({
      onAc: true,
      text: 'on AC, no battery',
    });
    const missing = join(empty, 'not-there');
    expect((await new LinuxConditions({ powerSupply: missing }).onAcPower()).text).toBe(
      'on AC, no battery',
    );
  });

  it("this machine's real /sys has no battery: on AC, no battery", async () => {
    const reading = await new LinuxConditions().onAcPower();
    expect(reading).toEqual({ onAc: true, text: 'on AC, no battery' });
  });
});

describe('Linux network from the routing table', () => {
  const header =
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';

  it('a default route that is up means the network is up', () => {
    const route = `${header}eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n`;
    expect(defaultRouteFrom(route, null)).toEqual({
      up: true,
      text: 'a default route is up (via eth0)',
    });
  });

  it('only a local route means the network is down', () => {
    const route = `${header}eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n`;
    expect(defaultRouteFrom(route, '')).toEqual({
      up: false,
      text: 'no default route: the network is down',
    });
  });

  it('an IPv6 default route counts too', () => {
    const v6 = `${'0'.repeat(32)} 00 ${'0'.repeat(32)} 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n`;
    expect(defaultRouteFrom(`${header}`, v6).up).toBe(true);
  });

  it("this machine's real /proc/net/route is read", async () => {
    const reading = await new LinuxConditions().networkUp();
    // The machine this runs on has a default route when it has network at all; either way the
    // answer is a sentence, not an error.
    expect(reading.text).toMatch(/default route/);
    expect(existsSync('/proc/net/route')).toBe(true);
  });

  it('says in words that idle time cannot be known on a headless server', async () => {
    expect(await new LinuxConditions().idleSeconds()).toEqual({
      seconds: null,
      text: 'idle time cannot be known on a headless Linux server (no user session to ask)',
    });
  });
});
