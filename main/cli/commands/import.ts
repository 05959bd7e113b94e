import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { groupName, projectName } from '../../core/model/names.js';
import type { TransferPreview } from '../../api/contract.js';
import type { Command } from '../command.js';
import { CliFailure, EXIT, usageError } from '../exit-codes.js';
import { emit, table } from '../output.js';
import { readPassphraseFile } from '../passphrase-file.js';

const USAGE =
  'crontray import FILE [--dry-run] [--format auto|crontab|bundle] [--project P] [--group G] [--passphrase-file F]';

const flags = z.object({
  format: z
    .enum(['auto', 'crontab', 'bundle'], { error: '--format must be auto, crontab or bundle' })
    .default('auto'),
  project: projectName.optional(),
  group: groupName.optional(),
});

async function readSource(file: string): Promise<string> {
  try {
    if (file !== '-') return await readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    throw new CliFailure(
      `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      EXIT.failed,
    );
  }
}

function describe(preview: TransferPreview, created: number | null): string {
  const rows = table(
    ['LINE', 'OUTCOME', 'WHAT'],
    preview.rows.map((r) => [r.line === null ? '-' : String(r.line), r.outcome, r.message]),
  );
  const { tasks, existing, skipped } = preview.counts;
  const summary =
    created === null
      ? `Dry run: ${tasks} task(s) would be imported, ${existing} already there, ${skipped} line(s) skipped. Nothing was saved.`
      : `Imported ${created} task(s); ${existing} already there, ${skipped} line(s) skipped.`;
  return `${rows}\n\n${summary}`;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import a crontab (crontab -l output) or a bundle made by export',
  usage: USAGE,
  details:
    "FILE '-' reads standard input. Each line is listed as task, exists (imported before), env, note or skipped with the reason. Importing the same file twice changes nothing. A bundle with encrypted secrets needs --passphrase-file; a wrong passphrase or a damaged bundle imports nothing.",
  options: {
    'dry-run': { type: 'boolean' },
    format: { type: 'string' },
    project: { type: 'string' },
    group: { type: 'string' },
    'passphrase-file': { type: 'string' },
  },
  positionals: ['FILE'],
  required: 1,
  async run(context) {
    const parsed = flags.safeParse(context.values);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw usageError(
        `--${String(issue?.path[0] ?? 'format')}: ${issue?.message ?? 'invalid'}`,
        USAGE,
      );
    }
    const file = context.positionals[0] ?? '';
    const text = await readSource(file);
    const passphraseFile = context.values['passphrase-file'];
    const request = {
      text,
      ...parsed.data,
      ...(typeof passphraseFile === 'string'
        ? { passphrase: await readPassphraseFile(passphraseFile) }
        : {}),
    };
    const api = await context.api();
    if (context.values['dry-run'] === true) {
      const preview = await api.call('transfer:preview', request);
      emit(context, preview, () => describe(preview, null));
      return EXIT.ok;
    }
    const result = await api.call('transfer:import', request);
    emit(context, result, () => describe(result, result.created.length));
    return EXIT.ok;
  },
};
