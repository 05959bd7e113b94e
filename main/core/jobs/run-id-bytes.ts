// A run id as the app makes it (crypto.randomUUID(), canonical lowercase) kept as its 16 bytes:
// a third of the bytes of its text. A lowercase hex digit's order is its value's and the dashes
// sit at the same places, so comparing from the bytes orders ids as their text does.

/** A run id as the app makes it (crypto.randomUUID()): kept as its 16 bytes. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const UUID_LENGTH = 36;
export const ID_BYTES = 16;
/** For each character of a UUID: the byte it is a digit of (-1: a dash) and the digit's shift. */
const CHAR_BYTE: number[] = [];
const CHAR_SHIFT: number[] = [];
for (let i = 0, digit = 0; i < UUID_LENGTH; i++) {
  const dash = i === 8 || i === 13 || i === 18 || i === 23;
  CHAR_BYTE.push(dash ? -1 : digit >> 1);
  CHAR_SHIFT.push(digit % 2 === 0 ? 4 : 0);
  if (!dash) digit++;
}
const DASH = 45;
const ZERO = 48;
const A = 97;

const hexDigit = (c: number): number =>
  c >= ZERO && c < ZERO + 10 ? c - ZERO : c >= A && c < A + 6 ? c - A + 10 : -1;

/** The character code of a UUID's character `i` from its 16 bytes at `from`. */
function charAt(bytes: Uint8Array, from: number, i: number): number {
  const byte = CHAR_BYTE[i]!;
  if (byte < 0) return DASH;
  const digit = (bytes[from + byte]! >> CHAR_SHIFT[i]!) & 15;
  return digit < 10 ? ZERO + digit : A - 10 + digit;
}

/** The UUID text of the 16 bytes at `from`. */
export function uuidText(bytes: Uint8Array, from: number): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset + from, ID_BYTES).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Writes a UUID string (UUID.test() passed) as 16 bytes at `at`. */
export function putUuidString(id: string, out: Uint8Array, at: number): void {
  out.set(Buffer.from(id.replaceAll('-', ''), 'hex'), at);
}

/** A canonical UUID in ASCII bytes [from, to) as 16 bytes at `at`; false if it is not one. */
export function putUuidAscii(
  text: Uint8Array,
  from: number,
  to: number,
  out: Uint8Array,
  at: number,
): boolean {
  if (to - from !== UUID_LENGTH) return false;
  out.fill(0, at, at + ID_BYTES);
  for (let i = 0; i < UUID_LENGTH; i++) {
    const c = text[from + i]!;
    const byte = CHAR_BYTE[i]!;
    if (byte < 0) {
      if (c !== DASH) return false;
      continue;
    }
    const digit = hexDigit(c);
    if (digit < 0) return false;
    out[at + byte] = out[at + byte]! | (digit << CHAR_SHIFT[i]!);
  }
  return true;
}

/** Compares the UUID of the 16 bytes at `from` with `id` as strings compare (the sign). */
export function compareUuid(bytes: Uint8Array, from: number, id: string): number {
  const m = Math.min(UUID_LENGTH, id.length);
  for (let i = 0; i < m; i++) {
    const d = charAt(bytes, from, i) - id.charCodeAt(i);
    if (d !== 0) return d;
  }
  return UUID_LENGTH - id.length;
}

/** Writes the UUID of the 16 bytes at `from` as ASCII into `out` at `at`. */
export function writeUuidAscii(bytes: Uint8Array, from: number, out: Uint8Array, at: number): void {
  for (let i = 0; i < UUID_LENGTH; i++) out[at + i] = charAt(bytes, from, i);
}
