import { readFile } from 'node:fs/promises';
import { CliFailure, EXIT } from './exit-codes.js';

/** Reads a passphrase from a file (first line; a trailing newline is not part of it). */
export async function readPassphraseFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliFailure(
      `--passphrase-file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      EXIT.failed,
    );
  }
  const passphrase = text.split(/\r?\n/)[0] ?? '';
  if (passphrase === '') throw new CliFailure(`--passphrase-file: ${path} is empty`, EXIT.failed);
  return passphrase;
}
