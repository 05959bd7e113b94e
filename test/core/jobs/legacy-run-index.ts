import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunSummary } from '../../../main/core/jobs/run-summary.js';
import { runTime } from '../../../main/core/jobs/run-summary.js';
import { CODED, PLAIN } from '../../../main/core/jobs/run-index-legacy.js';

/**
 * Writes a run index as Crontray did before the binary format (version 1, JSON lines), so
 * tests can start from the file a user upgrading has. Kept here, out of main/: nothing in the
 * app writes this format any more.
 */
const FORMAT = 'crontray-run-index';
const CHUNK = 4096;

interface FileSig {
  mtimeMs: number;
  size: number;
}

/** Gathers one chunk's columns as save() writes them. */
class ChunkWriter {
  rows = 0;
  readonly #plain: unknown[][] = [[], [], [], [], [], [], [], []];
  readonly #coded = CODED.map(() => ({ places: new Map<unknown, number>(), list: [] as number[] }));

  add(folder: number, summary: RunSummary, sig: FileSig): void {
    this.rows++;
    const cells = [folder, summary.runId, sig.mtimeMs, sig.size, ...PLAIN.map((f) => summary[f])];
    cells.forEach((cell, i) => this.#plain[i]!.push(cell));
    CODED.forEach((field, i) => {
      const column = this.#coded[i]!;
      const value = summary[field];
      let at = column.places.get(value);
      if (at === undefined) column.places.set(value, (at = column.places.size));
      column.list.push(at);
    });
  }

  toJson(): string {
    const coded = this.#coded.map((c) => [[...c.places.keys()], c.list]);
    return JSON.stringify([...this.#plain, ...coded]);
  }
}

/**
 * The version 1 file for `runs` (each with its file's stat) in the task folders whose mtimes are
 * given: as the old save() wrote it, checksum included.
 */
export async function writeLegacyIndex(
  path: string,
  folders: { rel: string; mtimeMs: number }[],
  runs: { summary: RunSummary; sig: FileSig }[],
  savedAt: number,
): Promise<void> {
  const place = new Map(folders.map((f, i) => [f.rel, i]));
  const folderRows = folders.map((f) => [...f.rel.split('/'), f.mtimeMs, false]);
  const lines: string[] = [];
  let chunk = new ChunkWriter();
  const oldest = [...runs].sort((a, b) => runTime(a.summary) - runTime(b.summary));
  for (const { summary, sig } of oldest) {
    chunk.add(place.get(`${summary.project}/${summary.group}/${summary.name}`)!, summary, sig);
    if (chunk.rows === CHUNK) {
      lines.push(chunk.toJson());
      chunk = new ChunkWriter();
    }
  }
  if (chunk.rows > 0) lines.push(chunk.toJson());
  const header = JSON.stringify({
    format: FORMAT,
    version: 1,
    fields: [...PLAIN, ...CODED],
    savedAt,
    folders: folderRows.length,
    runs: runs.length,
    chunks: lines.length,
  });
  const body = Buffer.from(`${[header, JSON.stringify(folderRows), ...lines].join('\n')}\n`);
  const sha256 = createHash('sha256').update(body).digest('hex');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(
    path,
    Buffer.concat([body, Buffer.from(`${JSON.stringify({ end: true, sha256 })}\n`)]),
  );
}
