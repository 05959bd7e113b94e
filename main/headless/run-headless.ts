import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CrontrayService } from '../core/service/service.js';
import { appRoot, appVersion } from '../core/app-paths.js';
import { consoleLogger } from '../core/log/logger.js';
import type { Logger } from '../core/log/logger.js';
import { fileLogger, teeLogger } from '../core/log/file-logger.js';
import type { HeadlessOptions } from './cli-options.js';
import type { HttpTransport } from './http-transport.js';
import { serveLoopbackApi } from './loopback-api.js';
import { osConditions } from '../core/conditions/os-conditions.js';
import { FileConditions } from '../core/conditions/file-conditions.js';

export interface HeadlessApp {
  service: CrontrayService;
  transport: HttpTransport;
  url: string;
  stop(reason?: string): Promise<void>;
}

/** Starts the core on plain Node and serves the UI and the contract on 127.0.0.1. */
export async function runHeadless(
  options: HeadlessOptions,
  console: Logger = consoleLogger('headless'),
): Promise<HeadlessApp> {
  await mkdir(options.dataDir, { recursive: true });
  const logFile = fileLogger({ path: join(options.dataDir, 'logs', 'crontray.log') });
  const logger = teeLogger(console, logFile);
  const root = appRoot();
  const staticDir = join(root, 'dist', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) {
    logger.warn(
      `Headless: no built UI in ${staticDir}; run 'npm run build' to serve it. The API works without it.`,
    );
  }
  const service = new CrontrayService({
    dataDir: options.dataDir,
    host: 'headless',
    testMode: options.testMode,
    logger,
    version: appVersion(root),
    ...(options.redisUrl !== undefined ? { redisUrl: options.redisUrl } : {}),
    // Power from /sys, pmset or Win32_Battery; the test hook's file only in test mode.
    conditions:
      options.testConditions !== undefined && options.testMode
        ? new FileConditions(options.testConditions)
        : osConditions(),
  });
  await service.open();
  const api = await serveLoopbackApi({
    service,
    dataDir: options.dataDir,
    host: 'headless',
    staticDir: existsSync(staticDir) ? staticDir : null,
    port: options.port,
    logger,
  });
  if (options.autostart) await service.call('scheduler:start', undefined);

  let stopping: Promise<void> | null = null;
  return {
    service,
    transport: api.transport,
    url: api.url,
    stop(reason = 'quit') {
      stopping ??= (async () => {
        await api.close();
        await service.close(reason);
        await logFile.close();
      })();
      return stopping;
    },
  };
}
