export { CacheMemory } from './cache-memory.js';
export type { CacheMemoryOptions } from './cache-memory.js';
export { Cache } from './cache.js';
export type { CacheOptions } from './cache.js';
export type { GetOptions } from './freshness.js';
export { v8Codec, jsonCodec, codecSaver, codecReader } from './codecs.js';
export type { Codec, Saver, Reader } from './codecs.js';
export { CacheDirectory } from './cache-directory.js';
export type { CacheDirectoryOptions, CacheFileInfo } from './cache-directory.js';
