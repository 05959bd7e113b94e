import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { redisUrlSchema } from '../core/cluster/redis-url.js';

export interface HeadlessOptions {
  /** Where everything is stored. Default: the same folder the desktop app uses. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Virtual clock, plaintext vault and the clock:advance channel, for end-to-end tests. */
  testMode: boolean;
  /** Start the scheduler at once instead of waiting for the user. */
  autostart: boolean;
  /** Redis for tasks that run on a cluster queue (--redis or CRONTRAY_REDIS_URL); none by default. */
  redisUrl?: string;
  /** TEST HOOK (only with testMode): answer power, network and idle conditions from this JSON file. */
  testConditions?: string;
}

export const USAGE = `Usage: crontray-headless [--data-dir DIR] [--port N] [--start] [--test-mode] [--redis URL]

  --data-dir DIR  where tasks, history and the vault live (default: the desktop app's folder)
  --port N        port on 127.0.0.1 to serve the UI and API on (default: any free port)
  --start         start the scheduler immediately
  --test-mode     virtual clock, plaintext vault, clock:advance channel (never for real use)
  --redis URL     run tasks set to a cluster queue on BullMQ workers through this Redis
                  (redis:// or rediss://; or set CRONTRAY_REDIS_URL to keep the password out of ps)
  --test-conditions FILE
                  test hook, only with --test-mode: power, network and idle from a JSON file
  --help          show this help`;

/** Electron's userData folder for "Crontray" on each OS, so both modes share one data folder. */
export function defaultDataDir(platform = process.platform, env = process.env): string {
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Crontray');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Crontray');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Crontray');
}

export class CliError extends Error {}

/** Parses and validates the flags; a bad flag names itself and the reason. */
export function parseHeadlessArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): HeadlessOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        start: { type: 'boolean', default: false },
        'test-mode': { type: 'boolean', default: false },
        redis: { type: 'string' },
        'test-conditions': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new CliError(
      `Headless: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`,
    );
  }
  const { values } = parsed;
  if (values.help) return 'help';
  let port = 0;
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
      throw new CliError(
        `Headless: --port '${values.port}' must be a whole number from 0 to 65535`,
      );
    }
    port = Number(values.port);
  }
  const dataDir = values['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '')
    throw new CliError('Headless: --data-dir must not be empty');
  const redisText = values.redis ?? (env.CRONTRAY_REDIS_URL || undefined);
  let redisUrl: string | undefined;
  if (redisText !== undefined) {
    const parsed = redisUrlSchema.safeParse(redisText);
    if (!parsed.success) {
      throw new CliError(`Headless: --redis: ${parsed.error.issues[0]?.message ?? 'invalid URL'}`);
    }
    redisUrl = parsed.data;
  }
  const testConditions = values['test-conditions'];
  if (testConditions !== undefined && !values['test-mode'])
    throw new CliError('Headless: --test-conditions is a test hook and needs --test-mode');
  return {
    ...(redisUrl !== undefined ? { redisUrl } : {}),
    ...(testConditions !== undefined ? { testConditions: resolve(testConditions) } : {}),
    dataDir: resolve(dataDir ?? defaultDataDir()),
    port,
    testMode: values['test-mode'],
    autostart: values.start,
  };
}
