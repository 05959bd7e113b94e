import { z } from 'zod';
import { taskDefinition } from '../model/task.js';
import { actionSchema } from '../model/action.js';

export const BUNDLE_FORMAT = 'crontray-bundle';
export const BUNDLE_VERSION = 1;

const base64 = (what: string) =>
  z
    .string()
    .max(16 * 1024 * 1024)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, `${what} must be base64`);

/** The secrets of a bundle, sealed with a key derived from the user's passphrase. */
export const sealedSecrets = z
  .object({
    kdf: z.literal('scrypt'),
    /** scrypt cost parameters, stored so a later version may raise them. */
    N: z
      .number()
      .int()
      .min(2 ** 14)
      .max(2 ** 20),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: base64('secrets.salt'),
    cipher: z.literal('aes-256-gcm'),
    iv: base64('secrets.iv'),
    tag: base64('secrets.tag'),
    data: base64('secrets.data'),
  })
  .strict();

export const bundleTask = z
  .object({
    /**
     * The task's id where it was exported (optional: older bundles have none). Imported tasks get
     * new ids; this lets links between tasks of the bundle (`triggers.after`) follow them.
     */
    id: z.string().min(1).max(64).optional(),
    /** Everything but the action; secret values inside the action are blank ('') here. */
    definition: taskDefinition.strict(),
    action: actionSchema,
  })
  .strict();

/**
 * A JSON bundle of task definitions and actions (`crontray export`). Secret values never appear
 * in `tasks`: they are in `secrets`, encrypted with the passphrase, or left out and listed in
 * `secretsLeftOut`. `checksum` is the SHA-256 of the `tasks` array as written, so a damaged
 * or edited bundle is refused instead of half imported.
 */
export const bundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    version: z.literal(BUNDLE_VERSION),
    exportedAt: z.string().max(40),
    tasks: z.array(z.unknown()).max(10_000),
    secrets: sealedSecrets.nullable(),
    secretsLeftOut: z
      .array(z.object({ task: z.string().max(64), field: z.string().max(300) }).strict())
      .max(100_000),
    checksum: z.string().regex(/^[0-9a-f]{64}$/, 'checksum must be 64 hex digits'),
  })
  .strict();

export type Bundle = z.output<typeof bundleSchema>;
export type BundleTask = z.output<typeof bundleTask>;
export type SealedSecrets = z.output<typeof sealedSecrets>;

/** One secret value, found by task index, list and name. */
export const secretValue = z
  .object({
    task: z.number().int().min(0),
    list: z.enum(['env', 'headers']),
    name: z.string().max(256),
    value: z.string().max(64 * 1024),
  })
  .strict();
export type SecretValue = z.output<typeof secretValue>;
