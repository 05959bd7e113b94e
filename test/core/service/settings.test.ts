import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrontrayService } from '../../../main/core/service/service.js';
import { DEFAULT_SETTINGS } from '../../../main/core/store/config-schema.js';

let dataDir: string;
let service: CrontrayService;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'crontray-settings-'));
  service = new CrontrayService({ dataDir, host: 'headless', version: '1.0.0', testMode: true });
  await service.open();
});

afterEach(async () => {
  await service.close('test');
  await rm(dataDir, { recursive: true, force: true });
});

describe('settings:set changes only what it names', () => {
  it('one retention field changes and the other keeps its saved value', async () => {
    await service.call('settings:set', { retention: { keepFailuresDays: 90 } });
    const after = await service.call('settings:set', { retention: { keepLast: 50 } });
    expect(after).toEqual({
      ok: true,
      value: { ...DEFAULT_SETTINGS, retention: { keepLast: 50, keepFailuresDays: 90 } },
    });
  });

  it('a patch without a field leaves the saved value, never its default', async () => {
    await service.call('settings:set', { theme: 'dark', notifications: false });
    const after = await service.call('settings:set', { globalConcurrency: 2 });
    expect(after).toMatchObject({
      ok: true,
      value: { theme: 'dark', notifications: false, globalConcurrency: 2 },
    });
  });

  it('refuses an unknown field or a value out of range, naming the field', async () => {
    expect(await service.call('settings:set', { colour: 'red' })).toMatchObject({
      ok: false,
      error: { code: 'invalid', field: '(request)' },
    });
    expect(await service.call('settings:set', { retention: { keepLast: 0 } })).toMatchObject({
      ok: false,
      error: { code: 'invalid', field: 'retention.keepLast' },
    });
  });
});
