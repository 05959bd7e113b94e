import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Command } from '../command.js';
import { CliFailure, EXIT, usageError } from '../exit-codes.js';
import { emit } from '../output.js';
import { readPassphraseFile } from '../passphrase-file.js';
import { findTask } from '../task-lookup.js';

const USAGE = 'crontray export FILE [--format bundle|crontab] [--task NAME]… [--passphrase-file F]';

const formatSchema = z.enum(['bundle', 'crontab'], { error: '--format must be bundle or crontab' });

/** --format wins; else a .crontab/.cron/.txt file is a crontab and anything else a bundle. */
function formatOf(flag: unknown, file: string): 'bundle' | 'crontab' {
  if (flag !== undefined) {
    const parsed = formatSchema.safeParse(flag);
    if (!parsed.success)
      throw usageError(parsed.error.issues[0]?.message ?? '--format is invalid', USAGE);
    return parsed.data;
  }
  return /\.(crontab|cron|txt)$/i.test(file) ? 'crontab' : 'bundle';
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export tasks to a JSON bundle (default) or a crontab',
  usage: USAGE,
  details:
    "Exports every task, or those named with --task. FILE '-' writes to standard output. A bundle holds definitions and actions; secret values are left out (and listed) unless --passphrase-file gives a passphrase (8 characters or more), which seals them with scrypt + AES-256-GCM. A crontab lists the tasks cron cannot express instead of dropping them silently.",
  options: {
    format: { type: 'string' },
    task: { type: 'string', multiple: true },
    'passphrase-file': { type: 'string' },
  },
  positionals: ['FILE'],
  required: 1,
  async run(context) {
    const file = context.positionals[0] ?? '';
    const format = formatOf(context.values.format, file);
    if (file === '-' && context.json) throw usageError('--json cannot be used with FILE -', USAGE);
    const passphraseFile = context.values['passphrase-file'];
    if (typeof passphraseFile === 'string' && format === 'crontab') {
      throw usageError(
        '--passphrase-file: a crontab holds no secrets; export a bundle instead',
        USAGE,
      );
    }
    const passphrase =
      typeof passphraseFile === 'string' ? await readPassphraseFile(passphraseFile) : undefined;
    const api = await context.api();
    const names = context.values.task;
    const taskIds = Array.isArray(names)
      ? await Promise.all(names.map(async (n) => (await findTask(api, n)).id))
      : undefined;
    const result = await api.call('transfer:export', {
      format,
      ...(taskIds ? { taskIds } : {}),
      ...(passphrase === undefined ? {} : { passphrase }),
    });
    if (file === '-') process.stdout.write(result.text);
    else {
      try {
        await writeFile(file, result.text, { mode: 0o600 });
      } catch (error) {
        throw new CliFailure(
          `Cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          EXIT.failed,
        );
      }
    }
    const { text: _text, ...summary } = result;
    const lines = [
      `Exported ${result.exported} task(s) as a ${format} to ${file === '-' ? 'standard output' : file}.`,
      ...result.notExported.map((n) => `Not exported: ${n.name}: ${n.reason}.`),
      ...result.warnings.map((w) => `Note: ${w.name}: ${w.message}.`),
      ...(result.secretsSealed
        ? [`${result.secretsSealed} secret value(s) sealed with the passphrase.`]
        : []),
      ...result.secretsLeftOut.map(
        (s) => `Secret left out: ${s.task}: ${s.field} (give --passphrase-file to include it).`,
      ),
    ];
    if (file === '-') context.err(lines.join('\n'));
    else emit(context, { ...summary, file }, () => lines.join('\n'));
    return EXIT.ok;
  },
};
