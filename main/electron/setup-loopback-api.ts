import type { CrontrayService } from '../core/service/service.js';
import type { Logger } from '../core/log/logger.js';
import { serveLoopbackApi } from '../headless/loopback-api.js';

/**
 * Serves the contract on 127.0.0.1 for the `crontray` command, exactly as headless mode does
 * (token file and api-endpoint.json in the data folder), without the browser UI: the desktop
 * has its window. Failing to serve costs the command line only, never the app. Resolves with
 * the close to run on quit.
 */
export async function setupLoopbackApi(options: {
  service: CrontrayService;
  dataDir: string;
  logger: Logger;
}): Promise<() => Promise<void>> {
  try {
    const api = await serveLoopbackApi({ ...options, host: 'electron', staticDir: null, port: 0 });
    options.logger.info(`The crontray command reaches this app at ${api.url}`);
    return () => api.close();
  } catch (error) {
    options.logger.warn(
      `The crontray command will not reach this app: ${error instanceof Error ? error.message : String(error)}`,
    );
    return () => Promise.resolve();
  }
}
