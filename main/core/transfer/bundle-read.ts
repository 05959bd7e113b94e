import { z } from 'zod';
import type { Action } from '../model/action.js';
import { bundleSchema, bundleTask, secretValue } from './bundle-format.js';
import type { Bundle, BundleTask, SecretValue } from './bundle-format.js';
import { unseal } from './bundle-crypto.js';
import { checksumOf } from './bundle-write.js';
import type { ImportDraft, ImportPlan, ImportRow } from './import-plan.js';

/** A bundle that cannot be imported at all; `field` names what to fix (e.g. 'passphrase'). */
export class BundleError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

function firstIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((p) => p !== '').join('.');
  return `${path || '(bundle)'}: ${issue?.message ?? 'invalid'}`;
}

/** True when the text looks like a bundle rather than a crontab (a JSON object). */
export function looksLikeBundle(text: string): boolean {
  return text.trimStart().startsWith('{');
}

function parseTasks(raw: unknown[]): BundleTask[] {
  return raw.map((task, index) => {
    const parsed = bundleTask.safeParse(task);
    if (!parsed.success) {
      throw new BundleError(
        `Bundle: task ${index + 1} is invalid (${firstIssue(parsed.error, '')}); nothing was imported`,
        `tasks.${index}`,
      );
    }
    return parsed.data;
  });
}

async function openSecrets(
  sealed: NonNullable<z.output<typeof bundleSchema>['secrets']>,
  passphrase: string,
  checksum: string,
): Promise<SecretValue[]> {
  let plain: string;
  try {
    plain = await unseal(sealed, passphrase, checksum);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BundleError(
      `Bundle: cannot open its secrets: ${reason}; nothing was imported`,
      'passphrase',
    );
  }
  const parsed = z.array(secretValue).safeParse(JSON.parse(plain));
  if (!parsed.success)
    throw new BundleError('Bundle: its secrets are damaged; nothing was imported', 'secrets');
  return parsed.data;
}

function restoreSecrets(action: Action, values: SecretValue[]): Action {
  const fill = (
    list: 'env' | 'headers',
    pairs: { name: string; value: string; secret: boolean }[],
  ) =>
    pairs.map((p) => {
      const found = p.secret ? values.find((v) => v.list === list && v.name === p.name) : undefined;
      return found ? { ...p, value: found.value } : p;
    });
  if (action.kind === 'shell') return { ...action, env: fill('env', action.env) };
  if (action.kind === 'http') return { ...action, headers: fill('headers', action.headers) };
  return action;
}

/** The bundle's JSON, checked against the schema and its checksum before anything is read. */
function checkedBundle(text: string): Bundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BundleError(
      `Bundle: not valid JSON, the file may be damaged or cut short (${reason})`,
      '(bundle)',
    );
  }
  const parsed = bundleSchema.safeParse(json);
  if (!parsed.success) {
    throw new BundleError(
      `Bundle: ${firstIssue(parsed.error, '')}; is this a Crontray bundle?`,
      '(bundle)',
    );
  }
  if (checksumOf(parsed.data.tasks) !== parsed.data.checksum) {
    throw new BundleError(
      'Bundle: damaged: its tasks do not match its checksum (the file was changed or cut); nothing was imported',
      'checksum',
    );
  }
  return parsed.data;
}

/**
 * Reads a bundle into an import plan, or throws BundleError for a damaged bundle or a wrong
 * passphrase: then nothing at all is imported. Without a passphrase, a bundle with sealed
 * secrets can be previewed (`forPreview`) but not imported.
 */
export async function readBundle(
  text: string,
  options: { passphrase?: string; forPreview?: boolean } = {},
): Promise<ImportPlan & { secretsSealed: boolean }> {
  const bundle = checkedBundle(text);
  const tasks = parseTasks(bundle.tasks);
  let secrets: SecretValue[] = [];
  if (bundle.secrets) {
    if (options.passphrase)
      secrets = await openSecrets(bundle.secrets, options.passphrase, bundle.checksum);
    else if (!options.forPreview) {
      throw new BundleError(
        'Bundle: its secrets are encrypted; give the passphrase it was exported with',
        'passphrase',
      );
    }
  }
  const rows: ImportRow[] = [];
  const drafts: ImportDraft[] = [];
  tasks.forEach((task, index) => {
    const def = task.definition;
    const leftOut = bundle.secretsLeftOut.filter((s) => s.task === def.name).map((s) => s.field);
    const notes = [
      bundle.secrets && !options.passphrase ? 'its secrets need the passphrase' : null,
      leftOut.length > 0
        ? `left out of the bundle, enter again after import: ${leftOut.join(', ')}`
        : null,
    ].filter((n) => n !== null);
    rows.push({
      line: null,
      text: `${def.project}/${def.group}/${def.name}`,
      outcome: 'task',
      message: `task '${def.name}' in ${def.project}/${def.group}${notes.length ? `; ${notes.join('; ')}` : ''}`,
      name: def.name,
    });
    const mine = secrets.filter((s) => s.task === index);
    drafts.push({
      row: index,
      task: { ...def, action: restoreSecrets(task.action, mine) },
      ...(task.id !== undefined ? { sourceId: task.id } : {}),
    });
  });
  return { rows, drafts, secretsSealed: bundle.secrets !== null };
}
