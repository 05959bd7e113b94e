import { CrontrayService } from '../../main/core/service/service.js';
import type { ServiceOptions } from '../../main/core/service/service.js';
import type { Envelope } from '../../main/api/channel.js';

/** Opens a service on `dataDir` the way the headless host does. */
export async function openService(
  dataDir: string,
  options: Partial<ServiceOptions> = {},
): Promise<CrontrayService> {
  const service = new CrontrayService({
    dataDir,
    host: 'headless',
    version: '0.0.0-test',
    historyMode: 'polling',
    ...options,
  });
  await service.open();
  return service;
}

/** Calls a channel and unwraps its envelope, failing with the error message. */
export async function ok<T = unknown>(
  service: CrontrayService,
  channel: string,
  payload?: unknown,
): Promise<T> {
  const envelope = (await service.call(channel, payload)) as Envelope<T>;
  if (!envelope.ok)
    throw new Error(`${channel} failed: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}
