import type { CrontrayService } from '../core/service/service.js';
import type { Logger } from '../core/log/logger.js';
import { startHttpTransport } from './http-transport.js';
import type { HttpTransport } from './http-transport.js';
import { issueToken } from './token.js';
import { removeEndpointFile, writeEndpointFile } from './endpoint-file.js';
import type { Endpoint } from './endpoint-file.js';

export interface LoopbackApiOptions {
  service: CrontrayService;
  dataDir: string;
  /** Which app serves it; the `crontray` command's status shows it. */
  host: Endpoint['host'];
  /** The built UI to serve beside the API (headless); null serves the API only (desktop). */
  staticDir: string | null;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
}

export interface LoopbackApi {
  transport: HttpTransport;
  url: string;
  /** Removes the endpoint file (if still ours) and stops serving. */
  close(): Promise<void>;
}

/**
 * The contract over HTTP on 127.0.0.1 with the token in `<dataDir>/headless-token`, and
 * `api-endpoint.json` saying where: what the `crontray` command and the browser UI talk to,
 * served the same way by the headless process and the desktop app.
 */
export async function serveLoopbackApi(options: LoopbackApiOptions): Promise<LoopbackApi> {
  const { service, dataDir, logger } = options;
  const token = await issueToken(dataDir);
  const transport = await startHttpTransport({
    service,
    token,
    staticDir: options.staticDir,
    port: options.port,
    logger,
  });
  // The `crontray` command finds the API here (main/cli/discovery.ts).
  try {
    await writeEndpointFile(dataDir, {
      url: `http://127.0.0.1:${transport.port}`,
      pid: process.pid,
      host: options.host,
    });
  } catch (error) {
    await transport.close();
    throw error;
  }
  return {
    transport,
    url: transport.url,
    async close() {
      await removeEndpointFile(dataDir);
      await transport.close();
    },
  };
}
