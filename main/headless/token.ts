import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../core/fs/atomic-write.js';

export const TOKEN_FILE = 'headless-token';

/**
 * A fresh random token per start, stored 0600 in the data dir so scripts on the same account
 * can find it and nobody else can.
 */
export async function issueToken(dataDir: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const path = join(dataDir, TOKEN_FILE);
  // No fsync: a token lives as long as this process, which a power cut ends too.
  await atomicWrite(path, `${token}\n`, { mode: 0o600, durable: false });
  await chmod(path, 0o600);
  return token;
}

/** Compares in constant time so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
