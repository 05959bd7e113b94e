import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupLoopbackApi } from '../../main/electron/setup-loopback-api.js';
import { recordingLogger } from '../support/recording-logger.js';
import { crontray } from '../cli/cli-runner.js';
import { useDesktopService } from './electron-service.js';

const desktop = useDesktopService();

describe('the desktop app serves the crontray command', { timeout: 60_000 }, () => {
  it('status and add reach the running desktop app, and after quit the command says nothing runs', async () => {
    const { service } = desktop;
    const dataDir = service.dataDir;
    const logger = recordingLogger();
    const close = await setupLoopbackApi({ service, dataDir, logger });
    expect(logger.messages('info').join('\n')).toMatch(
      /crontray command reaches this app at http:\/\/127\.0\.0\.1:\d+/,
    );

    const status = await crontray(dataDir, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/API: http:\/\/127\.0\.0\.1:\d+ \(electron\)/);
    const added = await crontray(dataDir, ['add', '--cron', '0 3 * * *', '--', 'echo', 'hi']);
    expect(added.code, added.stderr).toBe(0);
    const listed = await crontray(dataDir, ['list', '--json']);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);

    await close();
    expect(existsSync(join(dataDir, 'api-endpoint.json'))).toBe(false);
    expect((await crontray(dataDir, ['status'])).code).toBe(3);
  });

  it('a data folder it cannot write to costs the command line only: a warning, and the app carries on', async () => {
    const { service } = desktop;
    const dataDir = service.dataDir;
    // A folder where the endpoint file belongs makes its write fail.
    await mkdir(join(dataDir, 'api-endpoint.json', 'x'), { recursive: true });
    await writeFile(join(dataDir, 'api-endpoint.json', 'x', 'f'), '');
    const logger = recordingLogger();
    const close = await setupLoopbackApi({ service, dataDir, logger });
    expect(logger.messages('warn').join('\n')).toMatch(/crontray command will not reach this app/);
    await close();
    expect((await service.call('scheduler:status', undefined)).ok).toBe(true);
  });
});
