import { z } from 'zod';
import { idSchema, projectName, groupName } from '../../core/model/names.js';
import type { ImportRow } from '../../core/transfer/import-plan.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';

export type { ImportRow };

/** What an import would do, line by line (crontab) or task by task (bundle); nothing saved yet. */
export interface TransferPreview {
  source: 'crontab' | 'bundle';
  rows: ImportRow[];
  counts: { tasks: number; existing: number; skipped: number };
  /** The bundle's secrets are encrypted: importing needs its passphrase. */
  secretsSealed: boolean;
}

export interface TransferImportResult extends TransferPreview {
  created: { id: string; name: string }[];
}

export interface TransferExport {
  format: 'crontab' | 'bundle';
  /** The file's content. */
  text: string;
  /** A suggested file name. */
  fileName: string;
  exported: number;
  /** Tasks the format cannot express, with the reason: listed, never silently dropped. */
  notExported: { taskId: string; name: string; reason: string }[];
  /** Exported tasks that lose something on the way (retries, a disabled state…). */
  warnings: { taskId: string; name: string; message: string }[];
  secretsSealed: number;
  secretsLeftOut: { task: string; field: string }[];
}

const transferSource = z
  .object({
    /** A crontab (`crontab -l` output) or a bundle's JSON. */
    text: z
      .string()
      .max(8 * 1024 * 1024, 'text is at most 8 MiB')
      .refine((t) => t.trim() !== '', 'text is empty: paste a crontab or choose a file'),
    /** 'auto' reads a JSON object as a bundle and anything else as a crontab. */
    format: z.enum(['auto', 'crontab', 'bundle']).default('auto'),
    /** The passphrase a bundle's secrets were sealed with. */
    passphrase: z.string().min(1).max(1024).optional(),
    /** Where imported crontab lines go; bundles keep their own. Default 'crontab'. */
    project: projectName.optional(),
    group: groupName.optional(),
  })
  .strict();

/** Chosen by the caller so it can tell its own transfer:progress events from others'. */
const operationId = idSchema.optional();

/** Crontab and bundle import and export. */
export const transferChannels = {
  /** What importing the text would do; saves nothing. */
  'transfer:preview': channel<TransferPreview>()(transferSource),
  /** Imports every 'task' row of the preview, all or nothing; running it twice changes nothing. */
  'transfer:import': channel<TransferImportResult>()(transferSource.extend({ operationId })),
  /** Exports the given tasks (default all) as a crontab or a bundle; writes no file. */
  'transfer:export': channel<TransferExport>()(
    z
      .object({
        format: z.enum(['crontab', 'bundle']),
        /** The tasks to export; left out, every task. */
        taskIds: z
          .array(idSchema)
          .min(1, 'choose at least one task, or leave taskIds out to export all')
          .max(100_000)
          .optional(),
        /** Seals the bundle's secrets; without it they are left out. */
        passphrase: z
          .string()
          .min(8, 'passphrase must be at least 8 characters')
          .max(1024)
          .optional(),
        operationId,
      })
      .strict(),
  ),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
