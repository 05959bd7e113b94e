import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { CrontrayService } from '../../main/core/service/service.js';
import { createService } from '../../main/electron/create-service.js';

/**
 * A real desktop service in test mode over a temp data dir, opened before and closed after each
 * test of the calling file. Read `.service` inside a test.
 */
export function useDesktopService(): { readonly service: CrontrayService } {
  let dataDir = '';
  let current: CrontrayService | null = null;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crontray-desktop-'));
    current = createService({ dataDir, version: '1.0.0', testMode: true });
    await current.open();
  });
  afterEach(async () => {
    await current?.close('test');
    current = null;
    await rm(dataDir, { recursive: true, force: true });
  });
  return {
    get service(): CrontrayService {
      if (!current) throw new Error('useDesktopService: read .service inside a test');
      return current;
    },
  };
}
