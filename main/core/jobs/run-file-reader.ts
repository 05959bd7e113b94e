import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads whole run files through one buffer kept between files: an open, an fstat, one read and
 * a close a file, where readFileSync on a descriptor reads until a second read finds the end and
 * allocates a buffer every time. A scan of 100,000 files spends most of its time in these calls.
 */
export class RunFileReader {
  #buffer = Buffer.allocUnsafe(16 * 1024);
  /** The stat of the file read last, taken before its bytes were, so a change after it is seen next time. */
  mtimeMs = 0;
  size = 0;

  /** The file's text (UTF-8); throws as openSync does (ENOENT when it went). */
  read(path: string): string {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      this.mtimeMs = st.mtimeMs;
      this.size = st.size;
      return this.#readAll(fd, st.size);
    } finally {
      closeSync(fd);
    }
  }

  #readAll(fd: number, size: number): string {
    // One byte more than the stat said: a read that comes back short of what it asked for has
    // met the end of a regular file, so no second read is needed to find it.
    if (this.#buffer.length < size + 1)
      this.#buffer = Buffer.allocUnsafe(Math.max(size + 1, this.#buffer.length * 2));
    let length = 0;
    for (;;) {
      const wanted = this.#buffer.length - length;
      const n = readSync(fd, this.#buffer, length, wanted, length);
      length += n;
      if (n < wanted) break;
      // The file grew since the stat: read on into a bigger buffer.
      const bigger = Buffer.allocUnsafe(this.#buffer.length * 2);
      this.#buffer.copy(bigger, 0, 0, length);
      this.#buffer = bigger;
    }
    return this.#buffer.toString('utf8', 0, length);
  }
}
