import { afterEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '../../main/api/channel.js';
import type { Channel, RequestOf, ResponseOf } from '../../main/api/contract.js';
import { CrontrayService } from '../../main/core/service/service.js';
import type { ServiceOptions } from '../../main/core/service/service-options.js';
import { VirtualClock } from '../../main/core/time/virtual-clock.js';

/** Monday 1 June 2026, 08:00 UTC: where the service tests' virtual clocks start. */
export const SERVICE_START = Date.UTC(2026, 5, 1, 8, 0, 0);

export interface OpenOptions extends Partial<Omit<ServiceOptions, 'clock'>> {
  /** An existing data folder (a restart); left in place. Default: a new temp folder. */
  dataDir?: string;
  /** Remove the folder after the test. Default: only a folder made here. */
  removeDir?: boolean;
  clock?: VirtualClock;
}

/**
 * A real CrontrayService on a temp data folder in --test-mode with a virtual clock, called
 * through its envelope like the UI does. Services and folders the test opened are closed and
 * removed after each test. `prefix` names the temp folders.
 */
export function useServices(prefix: string) {
  const dirs: string[] = [];
  const services: CrontrayService[] = [];
  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  return async function open(options: OpenOptions = {}) {
    const { dataDir, removeDir, clock = new VirtualClock(SERVICE_START), ...more } = options;
    const dir = dataDir ?? (await mkdtemp(join(tmpdir(), prefix)));
    if (removeDir ?? !dataDir) dirs.push(dir);
    const service = new CrontrayService({
      ...{ dataDir: dir, host: 'headless', version: '1.2.3', testMode: true },
      ...{ clock, historyMode: 'polling', ...more },
    });
    await service.open();
    services.push(service);
    const call = async <C extends Channel>(c: C, request?: RequestOf<C>) => {
      const envelope = (await service.call(c, request)) as Envelope<ResponseOf<C>>;
      if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
      return envelope.value;
    };
    const fail = async (c: Channel, request: unknown) => {
      const envelope = await service.call(c, request);
      if (envelope.ok) throw new Error(`${c} unexpectedly succeeded`);
      return envelope.error;
    };
    /** Closes the service now (a restart); after the test it is not closed again. */
    const close = async () => {
      services.splice(services.indexOf(service), 1);
      await service.close();
    };
    return { dir, service, call, fail, clock, close };
  };
}
