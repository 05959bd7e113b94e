import { Worker } from 'node:worker_threads';

/**
 * The code of the reading thread, as a string for `new Worker(code, { eval: true })`: like
 * script-worker-source.ts, a string starts the same way from TypeScript sources under test, from
 * dist/ and from inside an asar archive. It reads the files it is given in order, as
 * RunFileReader does (open, fstat, one read, close), and posts them in chunks: per file its
 * mtime, size and length (-1: an error, listed apart), and the bytes of all of them in one
 * transferred buffer. It stops `ahead` chunks ahead of what the scan has taken, so a slow scan
 * never has the whole folder in memory.
 */
const SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, fstatSync, readSync, closeSync } = require('node:fs');
const { paths, gate, chunkFiles, chunkBytes, ahead } = workerData;
const taken = new Int32Array(gate);
let sent = 0;
let i = 0;
while (i < paths.length) {
  const count = Math.min(chunkFiles, paths.length - i);
  const meta = new Float64Array(count * 3);
  let bytes = Buffer.from(new ArrayBuffer(chunkBytes));
  let used = 0;
  const errors = [];
  for (let k = 0; k < count; k++, i++) {
    let fd = -1;
    let got = 0;
    try {
      fd = openSync(paths[i], 'r');
      const st = fstatSync(fd);
      // Read straight into the chunk, one byte more than the stat said: a short read is the end.
      for (let room = st.size + 1; ; room *= 2) {
        if (bytes.length - used < room) {
          const bigger = Buffer.from(new ArrayBuffer(Math.max(used + room, bytes.length * 2)));
          bytes.copy(bigger, 0, 0, used);
          bytes = bigger;
        }
        const n = readSync(fd, bytes, used, room, got);
        used += n;
        got += n;
        if (n < room) break;
      }
      meta[k * 3] = st.mtimeMs;
      meta[k * 3 + 1] = st.size;
      meta[k * 3 + 2] = got;
    } catch (error) {
      used -= got;
      meta[k * 3 + 2] = -1;
      errors.push({ at: k, code: error.code, message: error.message });
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
  for (;;) {
    const done = Atomics.load(taken, 0);
    if (sent - done < ahead) break;
    Atomics.wait(taken, 0, done);
  }
  parentPort.postMessage({ meta, bytes: bytes.buffer, errors }, [meta.buffer, bytes.buffer]);
  sent++;
}
`;

interface Chunk {
  meta: Float64Array;
  bytes: ArrayBuffer;
  errors: { at: number; code?: string; message: string }[];
}

/** Files per chunk and the chunks read ahead: about 2 MB in flight at 600 bytes a file. */
const CHUNK_FILES = 256;
const CHUNKS_AHEAD = 12;

/**
 * Reads many run files on a second thread while the scan parses the ones already read: on two
 * cores the system calls of reading (most of a first scan's time) and the parsing overlap.
 * Results come in the order of `paths`. If the thread cannot run, next() says so and the
 * caller reads the rest itself.
 */
export class RunFileReadAhead {
  /** The file taken last: its text, or why it could not be read. */
  text = '';
  error: { code?: string; message: string } | undefined;
  mtimeMs = 0;
  size = 0;
  #failed = false;
  #ended = false;
  readonly #worker: Worker;
  readonly #taken = new Int32Array(new SharedArrayBuffer(4));
  readonly #chunks: Chunk[] = [];
  #chunk: { meta: Float64Array; bytes: Buffer; errors: Map<number, Chunk['errors'][0]> } | null =
    null;
  #at = 0;
  #offset = 0;
  #wake: (() => void) | null = null;

  constructor(paths: readonly string[]) {
    this.#worker = new Worker(SOURCE, {
      eval: true,
      workerData: {
        paths,
        gate: this.#taken.buffer,
        chunkFiles: CHUNK_FILES,
        chunkBytes: CHUNK_FILES * 1024,
        ahead: CHUNKS_AHEAD,
      },
    });
    this.#worker.on('message', (chunk: Chunk) => {
      this.#chunks.push(chunk);
      this.#wakeUp();
    });
    this.#worker.on('error', () => {
      this.#failed = true;
      this.#wakeUp();
    });
    this.#worker.on('exit', () => {
      this.#ended = true;
      this.#wakeUp();
    });
  }

  /**
   * Takes the next file's result, waiting for the thread to read it; false when the thread
   * failed or ended first, and the caller reads this file and the rest itself.
   */
  async next(): Promise<boolean> {
    for (;;) {
      if (this.take()) return true;
      if (this.#failed || this.#ended) return false;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Takes the next file's result if it is here; false when it has not been read yet. */
  take(): boolean {
    if (!this.#chunk || this.#at * 3 >= this.#chunk.meta.length) {
      const next = this.#chunks.shift();
      if (!next) return false;
      this.#chunk = {
        meta: next.meta,
        bytes: Buffer.from(next.bytes),
        errors: new Map(next.errors.map((e) => [e.at, e])),
      };
      this.#at = 0;
      this.#offset = 0;
      Atomics.add(this.#taken, 0, 1);
      Atomics.notify(this.#taken, 0);
    }
    const { meta, bytes, errors } = this.#chunk;
    const length = meta[this.#at * 3 + 2]!;
    this.error = length < 0 ? errors.get(this.#at) : undefined;
    this.mtimeMs = meta[this.#at * 3]!;
    this.size = meta[this.#at * 3 + 1]!;
    this.text = length < 0 ? '' : bytes.toString('utf8', this.#offset, this.#offset + length);
    if (length > 0) this.#offset += length;
    this.#at++;
    return true;
  }

  /** Ends the thread (at once if the scan stopped taking). */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
