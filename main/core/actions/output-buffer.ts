import type { BoundedOutput } from '../model/run.js';

/** How much of one stream a run keeps. */
export interface OutputLimits {
  /** Bytes kept from the start of the stream. Default 64 KiB. */
  headBytes?: number;
  /** Bytes kept from the end of the stream. Default 64 KiB. */
  tailBytes?: number;
}

export const DEFAULT_HEAD_BYTES = 64 * 1024;
export const DEFAULT_TAIL_BYTES = 64 * 1024;

/**
 * Captures one stream as a bounded head and tail, so a task printing gigabytes costs at most
 * headBytes + tailBytes of memory. The middle is dropped and the result marked truncated.
 */
export class OutputBuffer {
  readonly #headLimit: number;
  readonly #tailLimit: number;
  readonly #head: Buffer[] = [];
  #headSize = 0;
  /** Chunks after the head; trimmed from the front whenever they exceed the tail limit. */
  #tail: Buffer[] = [];
  #tailSize = 0;
  #total = 0;

  constructor(limits: OutputLimits = {}) {
    this.#headLimit = Math.max(0, limits.headBytes ?? DEFAULT_HEAD_BYTES);
    this.#tailLimit = Math.max(0, limits.tailBytes ?? DEFAULT_TAIL_BYTES);
  }

  get totalBytes(): number {
    return this.#total;
  }

  push(chunk: Buffer | string): void {
    let data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.#total += data.length;
    if (this.#headSize < this.#headLimit) {
      const take = Math.min(this.#headLimit - this.#headSize, data.length);
      this.#head.push(data.subarray(0, take));
      this.#headSize += take;
      data = data.subarray(take);
    }
    if (data.length === 0 || this.#tailLimit === 0) return;
    // Copy: callers may reuse their buffers, and a subarray would pin a large one in memory.
    this.#tail.push(Buffer.from(data));
    this.#tailSize += data.length;
    this.#trimTail();
  }

  #trimTail(): void {
    // Keep one extra chunk's worth before compacting, so small writes do not copy on every push.
    if (this.#tailSize <= this.#tailLimit * 2 && this.#tail.length < 1024) return;
    const joined = Buffer.concat(this.#tail);
    const kept = joined.subarray(Math.max(0, joined.length - this.#tailLimit));
    this.#tail = [Buffer.from(kept)];
    this.#tailSize = kept.length;
  }

  /** The captured text. Characters cut by a boundary are dropped rather than shown as garbage. */
  result(): BoundedOutput {
    let head = Buffer.concat(this.#head);
    let tail = Buffer.concat(this.#tail);
    if (tail.length > this.#tailLimit) tail = tail.subarray(tail.length - this.#tailLimit);
    const truncated = this.#total > head.length + tail.length;
    if (!truncated) {
      // Nothing dropped: move a character split between head and tail wholly into the tail.
      const cut = completeUtf8Length(head);
      tail = Buffer.concat([head.subarray(cut), tail]);
      head = head.subarray(0, cut);
      return {
        head: head.toString('utf8'),
        tail: tail.toString('utf8'),
        truncated,
        totalBytes: this.#total,
      };
    }
    head = head.subarray(0, completeUtf8Length(head));
    tail = tail.subarray(leadingContinuationBytes(tail));
    return {
      head: head.toString('utf8'),
      tail: tail.toString('utf8'),
      truncated,
      totalBytes: this.#total,
    };
  }
}

/** Length of the prefix of `buf` that ends on a complete UTF-8 character. */
export function completeUtf8Length(buf: Uint8Array): number {
  const n = buf.length;
  // A character is at most 4 bytes, so only the last 3 can start an incomplete one.
  for (let back = 1; back <= Math.min(4, n); back++) {
    const byte = buf[n - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Continuation bytes at the start of `buf`: the end of a character whose lead byte was dropped. */
export function leadingContinuationBytes(buf: Uint8Array): number {
  let i = 0;
  while (i < Math.min(3, buf.length) && ((buf[i] ?? 0) & 0xc0) === 0x80) i++;
  return i;
}

/** An empty capture, for runs that never produced a stream. */
export function emptyOutput(): BoundedOutput {
  return { head: '', tail: '', truncated: false, totalBytes: 0 };
}
