import { readFile } from 'node:fs/promises';
import { serialize, deserialize } from 'node:v8';
import { atomicWrite } from '../fs/atomic-write.js';

/** Turns a cached value into bytes and back. */
export interface Codec {
  /** Shown in logs and used as the file extension by {@link CacheDirectory.pathFor}. */
  readonly name: string;
  encode(value: unknown): Uint8Array | string;
  decode(data: Buffer): unknown;
}

/** Writes a value to `path`. A custom saver should be atomic too, or a crash can leave half a file. */
export type Saver<T> = (value: T, path: string) => void | Promise<void>;
/** Reads a value from `path`; throwing means "unusable", and the cache regenerates the file. */
export type Reader<T> = (path: string) => T | Promise<T>;

/**
 * The default: node:v8 structured serialization, so Map, Set, Date, RegExp, BigInt and typed
 * arrays come back as themselves. Functions and class prototypes do not survive.
 */
export const v8Codec: Codec = {
  name: 'v8',
  encode: (value) => serialize(value),
  decode: (data) => deserialize(data) as unknown,
};

/** Human-readable files, for values that are plain JSON. */
export const jsonCodec: Codec = {
  name: 'json',
  encode: (value) => JSON.stringify(value),
  decode: (data) => JSON.parse(data.toString('utf8')) as unknown,
};

/** A saver that encodes with `codec` and writes atomically (temp file, fsync, rename). */
export function codecSaver<T>(codec: Codec = v8Codec): Saver<T> {
  return async (value, path) => atomicWrite(path, codec.encode(value));
}

/** A reader that decodes with `codec`. The value is trusted to be a T: the file is our own. */
export function codecReader<T>(codec: Codec = v8Codec): Reader<T> {
  return async (path) => codec.decode(await readFile(path)) as T;
}
