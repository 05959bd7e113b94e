import { z } from 'zod';

/** A name/value pair; secret values are stored only in the vault and masked everywhere else. */
export const secretPair = z.object({
  name: z
    .string()
    .min(1, 'name is required')
    .max(256)
    .regex(/^[^\0=\r\n]+$/, 'name may not contain =, NUL or line breaks'),
  value: z.string().max(64 * 1024, 'value is at most 64 KiB'),
  secret: z.boolean().default(false),
});

/** What the renderer sees in place of a secret value once it is saved. */
export const SECRET_MASK = '••••••••';

export const shellAction = z
  .object({
    kind: z.literal('shell'),
    /**
     * 'exec' starts `program` with `args` directly (no shell, so metacharacters are literal);
     * 'script' passes `script` to the chosen shell as one argument.
     */
    mode: z.enum(['exec', 'script']).default('exec'),
    program: z.string().max(4096).default(''),
    args: z
      .array(z.string().max(64 * 1024))
      .max(1000)
      .default([]),
    shell: z.enum(['sh', 'bash', 'powershell', 'cmd']).default('sh'),
    script: z
      .string()
      .max(1024 * 1024)
      .default(''),
    cwd: z.string().max(4096).optional(),
    env: z.array(secretPair).max(200).default([]),
  })
  .refine((a) => a.mode !== 'exec' || a.program.trim() !== '', {
    path: ['program'],
    message: 'program is required in exec mode (or switch to script mode)',
  })
  .refine((a) => a.mode !== 'script' || a.script.trim() !== '', {
    path: ['script'],
    message: 'script is required in script mode',
  });

export const httpAction = z.object({
  kind: z.literal('http'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  url: z
    .string()
    .max(8192)
    .url('url must be an absolute http(s) URL')
    .refine((u) => /^https?:\/\//i.test(u), 'url must start with http:// or https://'),
  headers: z.array(secretPair).max(100).default([]),
  body: z
    .string()
    .max(1024 * 1024)
    .optional(),
  /** Statuses counted as success, inclusive. */
  expectStatus: z
    .object({ min: z.number().int().min(100).max(599), max: z.number().int().min(100).max(599) })
    .default({ min: 200, max: 299 }),
});

export const scriptAction = z.object({
  kind: z.literal('script'),
  /** Absolute path of an ES module whose default export (a function) is run in a worker thread. */
  file: z.string().min(1, 'file is required').max(4096),
  exportName: z.string().max(128).default('default'),
  /** Old-generation heap limit for the worker. */
  memoryMb: z.number().int().min(16).max(8192).default(256),
});

export const actionSchema = z.discriminatedUnion('kind', [shellAction, httpAction, scriptAction]);

export type ShellAction = z.output<typeof shellAction>;
export type HttpAction = z.output<typeof httpAction>;
export type ScriptAction = z.output<typeof scriptAction>;
export type Action = z.output<typeof actionSchema>;
export type ActionInput = z.input<typeof actionSchema>;
