import { randomUUID } from 'node:crypto';

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

/** The default task and run id: a random UUID, flat (see {@link flatText}). */
export function newFlatId(): string {
  return flatText(randomUUID());
}
