import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../headless/cli-options.js';
import { ENDPOINT_FILE, endpointSchema } from '../headless/endpoint-file.js';
import type { Endpoint } from '../headless/endpoint-file.js';
import { TOKEN_FILE } from '../headless/token.js';
import { CliFailure, EXIT } from './exit-codes.js';

export interface Connection {
  dataDir: string;
  endpoint: Endpoint;
  token: string;
}

/** How to start Crontray, for the "not running" message. */
export function startHint(dataDir: string): string {
  return (
    'Open the Crontray app, or start headless mode with ' +
    `'npm run headless -- --data-dir ${JSON.stringify(dataDir)}' ` +
    `(or 'node dist/main/headless/entry.js --data-dir ${JSON.stringify(dataDir)}'), ` +
    'then run this command again.'
  );
}

export function dataDirOf(flag: string | undefined, env = process.env): string {
  return resolve(flag ?? env.CRONTRAY_DATA_DIR ?? defaultDataDir());
}

/**
 * Finds the running app for a data folder: `api-endpoint.json` says where its loopback API
 * listens, `headless-token` holds the bearer token. Both are written 0600 by the app at start.
 */
export async function discover(dataDir: string): Promise<Connection> {
  const notRunning = (why: string) =>
    new CliFailure(
      `Crontray is not running for ${dataDir}: ${why}. ${startHint(dataDir)}`,
      EXIT.notRunning,
      'not-running',
    );
  let raw: string;
  try {
    raw = await readFile(join(dataDir, ENDPOINT_FILE), 'utf8');
  } catch {
    return Promise.reject(notRunning(`there is no ${ENDPOINT_FILE} in it`));
  }
  let endpoint: Endpoint;
  try {
    endpoint = endpointSchema.parse(JSON.parse(raw));
  } catch {
    throw notRunning(`${ENDPOINT_FILE} is not readable (a crash while it was written?)`);
  }
  let token: string;
  try {
    token = (await readFile(join(dataDir, TOKEN_FILE), 'utf8')).trim();
  } catch {
    throw notRunning(`there is no ${TOKEN_FILE} in it`);
  }
  if (token === '') throw notRunning(`${TOKEN_FILE} is empty`);
  return { dataDir, endpoint, token };
}
