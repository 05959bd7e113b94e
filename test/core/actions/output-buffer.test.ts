import { describe, it, expect } from 'vitest';
import { OutputBuffer } from '../../../main/core/actions/output-buffer.js';

describe('OutputBuffer', () => {
  it('keeps short output whole and not truncated', () => {
    const buffer = new OutputBuffer({ headBytes: 8, tailBytes: 8 });
    buffer.push('hello ');
    buffer.push('world');
    const out = buffer.result();
    expect(out.head + out.tail).toBe('hello world');
    expect(out.truncated).toBe(false);
    expect(out.totalBytes).toBe(11);
  });

  it('keeps the first and last bytes of long output and marks it truncated', () => {
    const buffer = new OutputBuffer({ headBytes: 4, tailBytes: 4 });
    for (let i = 0; i < 1000; i++) buffer.push(`${i % 10}`);
    const out = buffer.result();
    expect(out.head).toBe('0123');
    expect(out.tail).toBe('6789');
    expect(out.truncated).toBe(true);
    expect(out.totalBytes).toBe(1000);
  });

  it('never shows half a multi-byte character at a truncation edge', () => {
    const buffer = new OutputBuffer({ headBytes: 4, tailBytes: 4 });
    // 'é' is 2 bytes, '€' is 3: the head limit falls inside the second '€', the tail limit inside a '€'.
    buffer.push(Buffer.from('a€€' + 'x'.repeat(50) + '€€b', 'utf8'));
    const out = buffer.result();
    expect(out.head).toBe('a€');
    expect(out.tail).toBe('€b');
    expect(out.truncated).toBe(true);
  });

  it('keeps a character split across chunks and across head and tail when nothing was dropped', () => {
    const buffer = new OutputBuffer({ headBytes: 2, tailBytes: 8 });
    const bytes = Buffer.from('a€b', 'utf8');
    for (const byte of bytes) buffer.push(Buffer.from([byte]));
    const out = buffer.result();
    expect(out.head + out.tail).toBe('a€b');
    expect(out.truncated).toBe(false);
  });

  it('bounds memory for many small writes', () => {
    const buffer = new OutputBuffer({ headBytes: 16, tailBytes: 16 });
    for (let i = 0; i < 100_000; i++) buffer.push('line\n');
    const out = buffer.result();
    expect(out.tail).toBe('line\n'.repeat(4).slice(-16));
    expect(out.totalBytes).toBe(500_000);
  });
});
