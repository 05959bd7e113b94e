import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { atomicWrite } from '../fs/atomic-write.js';
import type { Cipher } from './cipher.js';

const sealed = z.object({ version: z.literal(1), backend: z.string(), cipherText: z.string() });

/**
 * The JSON in a file encrypted whole with the vault's cipher; null when there is no file.
 * Throws (with why) when the file is damaged, from another backend, or fails `schema`.
 */
export async function readSealedJson<T>(
  path: string,
  cipher: Cipher,
  schema: z.ZodType<T>,
): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const outer = sealed.parse(JSON.parse(text));
  if (outer.backend !== cipher.backend)
    throw new Error(`it was written by the '${outer.backend}' backend`);
  return schema.parse(JSON.parse(await cipher.decrypt(outer.cipherText)));
}

/** Writes `value` encrypted whole with the vault's cipher, atomically, readable by its owner only. */
export async function writeSealedJson(path: string, cipher: Cipher, value: unknown): Promise<void> {
  const cipherText = await cipher.encrypt(JSON.stringify(value));
  const file = { version: 1, backend: cipher.backend, cipherText };
  await atomicWrite(path, JSON.stringify(file), { mode: 0o600 });
}
