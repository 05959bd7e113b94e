import { createHash } from 'node:crypto';
import type { Action } from '../model/action.js';
import type { TaskDefinition } from '../model/task.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from './bundle-format.js';
import type { Bundle, BundleTask, SecretValue } from './bundle-format.js';
import { seal } from './bundle-crypto.js';

export interface BundleInputTask {
  /** The task's id here, so an import can remap chain links to the new ids. */
  id?: string;
  definition: TaskDefinition;
  action: Action;
}

export interface WrittenBundle {
  text: string;
  tasks: number;
  /** Secret values encrypted in the bundle (with a passphrase). */
  secretsSealed: number;
  /** Secret values left out (no passphrase), as `task: field`. */
  secretsLeftOut: { task: string; field: string }[];
}

/** The action with every secret value blanked, and the values taken out. */
function takeSecrets(action: Action, task: number): { action: Action; secrets: SecretValue[] } {
  const secrets: SecretValue[] = [];
  const blank = (
    list: 'env' | 'headers',
    pairs: { name: string; value: string; secret: boolean }[],
  ) =>
    pairs.map((pair) => {
      if (!pair.secret) return pair;
      secrets.push({ task, list, name: pair.name, value: pair.value });
      return { ...pair, value: '' };
    });
  if (action.kind === 'shell')
    return { action: { ...action, env: blank('env', action.env) }, secrets };
  if (action.kind === 'http')
    return { action: { ...action, headers: blank('headers', action.headers) }, secrets };
  return { action, secrets };
}

export function checksumOf(tasks: unknown): string {
  return createHash('sha256').update(JSON.stringify(tasks)).digest('hex');
}

/**
 * Writes the bundle `crontray export` produces. Without a passphrase secret values are left out
 * (and listed); with one they are sealed with scrypt + AES-256-GCM.
 */
export async function writeBundle(
  input: BundleInputTask[],
  options: { passphrase?: string; exportedAt: number },
): Promise<WrittenBundle> {
  const tasks: BundleTask[] = [];
  const secrets: SecretValue[] = [];
  input.forEach((entry, index) => {
    const taken = takeSecrets(entry.action, index);
    tasks.push({
      ...(entry.id !== undefined ? { id: entry.id } : {}),
      definition: entry.definition,
      action: taken.action,
    });
    secrets.push(...taken.secrets);
  });
  const checksum = checksumOf(tasks);
  const passphrase = options.passphrase;
  const sealed =
    passphrase && secrets.length > 0
      ? await seal(JSON.stringify(secrets), passphrase, checksum)
      : null;
  const leftOut = sealed
    ? []
    : secrets.map((s) => ({
        task: input[s.task]?.definition.name ?? String(s.task),
        field: `action.${s.list}.${s.name}`,
      }));
  const bundle: Bundle = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: new Date(options.exportedAt).toISOString(),
    tasks,
    secrets: sealed,
    secretsLeftOut: leftOut,
    checksum,
  };
  return {
    text: `${JSON.stringify(bundle, null, 2)}\n`,
    tasks: tasks.length,
    secretsSealed: sealed ? secrets.length : 0,
    secretsLeftOut: leftOut,
  };
}
