import { randomFillSync } from 'node:crypto';

/**
 * The same text as one flat string. Node's `crypto.randomUUID()` (and ids others build by `+`)
 * is a rope of ~15 concatenated pieces: about 490 B of heap where a flat 36-character string is
 * 56 B, kept for as long as the task or run is. Reading a character makes V8 flatten the rope in
 * place (the pieces become garbage); at 100,000 tasks the ropes were a third of the heap kept
 * per task, and copying them a large part of the collector's work during registration.
 */
export function flatText(text: string): string {
  text.charCodeAt(0);
  return text;
}

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Where each of the 16 bytes' two hex digits go in `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`. */
const DIGIT_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
/** Random bytes for 256 ids, drawn at once as randomUUID draws its own. */
const pool = Buffer.alloc(16 * 256);
let used = pool.length;
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');

/**
 * The default task and run id: a random (version 4) UUID, written straight into one flat
 * string. randomUUID's rope and its flattening cost three times as long and leave ~15 pieces of
 * garbage per id (100,000 registrations, 1,000 runs started in one second).
 */
export function newFlatId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  for (let i = 0; i < 16; i++) {
    let byte = pool[used + i] as number;
    if (i === 6)
      byte = (byte & 0x0f) | 0x40; // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80; // RFC 4122 variant
    const at = DIGIT_AT[i] as number;
    text[at] = HEX_DIGITS[byte >> 4] as number;
    text[at + 1] = HEX_DIGITS[byte & 15] as number;
  }
  used += 16;
  return text.toString('latin1');
}
