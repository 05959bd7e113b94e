import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { atomicWrite } from '../core/fs/atomic-write.js';

/**
 * `<dataDir>/api-endpoint.json`: where the running app serves the loopback API, so the
 * `crontray` command finds it (the token is in `headless-token` beside it). Written 0600 at
 * start, removed at a clean stop; after a crash it stays, and the command then finds nothing
 * answering at that address and says Crontray is not running.
 */
export const ENDPOINT_FILE = 'api-endpoint.json';

export const endpointSchema = z
  .object({
    url: z
      .string()
      .max(64)
      .regex(/^http:\/\/127\.0\.0\.1:\d{1,5}$/, 'url must be http://127.0.0.1:<port>'),
    pid: z.number().int().min(1),
    host: z.enum(['headless', 'electron']),
  })
  .strict();

export type Endpoint = z.output<typeof endpointSchema>;

export async function writeEndpointFile(dataDir: string, endpoint: Endpoint): Promise<void> {
  // No fsync: it names this process's port, which a power cut ends too.
  await atomicWrite(join(dataDir, ENDPOINT_FILE), `${JSON.stringify(endpoint)}\n`, {
    mode: 0o600,
    durable: false,
  });
}

/** Removes the file if it still names this process (a newer instance may have replaced it). */
export async function removeEndpointFile(dataDir: string, pid = process.pid): Promise<void> {
  const path = join(dataDir, ENDPOINT_FILE);
  try {
    const current = endpointSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (current.success && current.data.pid !== pid) return;
    await unlink(path);
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}
