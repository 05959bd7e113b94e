import { z } from 'zod';

// Apart from cluster-connection.ts so that checking a URL (the API contract, the command line,
// the stored setting) does not load ioredis: a start without a cluster never needs it.

/** redis://[user:password@]host[:port][/db] or rediss:// (TLS). */
export const redisUrlSchema = z
  .string({ error: 'Redis URL must be text' })
  .trim()
  .max(2048, 'Redis URL is at most 2048 characters')
  .superRefine((text, ctx) => {
    const problem = redisUrlProblem(text);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

function redisUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `Redis URL '${text}' is not a URL; write it as redis://host:6379 (or rediss://host:6380 for TLS)`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return `Redis URL must start with redis:// or rediss:// (TLS), not ${url.protocol}//`;
  }
  if (url.hostname === '') return 'Redis URL has no host; write it as redis://host:6379';
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    return `Redis URL path '/${db}' must be a database number (e.g. redis://host:6379/0)`;
  }
  return null;
}

/** The URL with its password replaced, for logs and status screens. */
export function redactRedisUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '****';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}
