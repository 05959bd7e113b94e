import { z } from 'zod';
import { contract } from '../../api/contract.js';
import type { Channel, Handlers } from '../../api/contract.js';
import type { Envelope, ErrorBody } from '../../api/channel.js';
import type { Logger } from '../log/logger.js';
import { namesOldRoutineDelay } from '../model/schedule.js';
import { ServiceError } from './service-error.js';

export interface DispatchOptions {
  /** Allows the test-only channels (headless --test-mode). */
  testMode: boolean;
  logger: Logger;
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(request)';
}

/** Turns zod's issues into one message per field, naming the field and the reason. */
export function describeZodError(error: z.ZodError): ErrorBody {
  const issues = error.issues.map((issue) => {
    const field = fieldOf(issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_type' && /received undefined/.test(message))
      message = 'is required';
    return { field, message: `${field}: ${message}` };
  });
  const first = issues[0] ?? { field: '(request)', message: 'invalid request' };
  return { code: 'invalid', message: first.message, field: first.field, issues };
}

const STORAGE_HINTS: Record<string, string> = {
  ENOSPC: 'The disk is full: free some space, then try again.',
  EDQUOT: 'The disk quota is used up: free some space, then try again.',
  EROFS: 'The data folder is on a read-only file system: make it writable, then try again.',
  EACCES: 'Crontray may not write to its data folder: fix its permissions, then try again.',
  EPERM: 'Crontray may not write to its data folder: fix its permissions, then try again.',
};

/** What to tell the user when a write failed because of the disk, not the request; else null. */
function storageProblem(error: unknown): string | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    const hint = code === undefined ? undefined : STORAGE_HINTS[code];
    if (hint) return hint;
    const named = /\b(ENOSPC|EDQUOT|EROFS|EACCES|EPERM)\b/.exec(e.message)?.[1];
    if (named) return STORAGE_HINTS[named] ?? null;
  }
  return null;
}

/**
 * An unexpected error's first line without the "TaskStore: " its module put in front for logs
 * and library callers: the window shows the rest. It only trims text; it decides nothing.
 */
function withoutModuleName(line: string): string {
  return line.replace(/^[A-Z][A-Za-z]+: /, '');
}

export function isChannel(name: string, testMode: boolean): name is Channel {
  if (!Object.hasOwn(contract, name)) return false;
  return testMode || !contract[name as Channel].testOnly;
}

const warnedOldDelay = new WeakSet<Logger>();

/**
 * Tells the caller, once per logger, that a routine named its wait `delayMs`: the request still
 * works (the schema reads it as waitMs), but the name goes away in the next version.
 */
function warnOldRoutineDelay(channelName: string, payload: unknown, logger: Logger): void {
  if (warnedOldDelay.has(logger) || typeof payload !== 'object' || payload === null) return;
  const p = payload as { schedule?: unknown; patch?: { schedule?: unknown } };
  if (!namesOldRoutineDelay(p.schedule) && !namesOldRoutineDelay(p.patch?.schedule)) return;
  warnedOldDelay.add(logger);
  logger.warn(
    `${channelName}: a routine's 'delayMs' is deprecated and will not be read by the next version; call it 'waitMs'`,
  );
}

/**
 * The one way into the service from any transport: checks the channel, validates the payload
 * against its schema, runs the handler and wraps the outcome in an envelope. No exception and
 * no stack trace ever reaches the caller.
 */
export async function dispatch(
  handlers: Handlers,
  channelName: string,
  payload: unknown,
  options: DispatchOptions,
): Promise<Envelope<unknown>> {
  if (!isChannel(channelName, options.testMode)) {
    return {
      ok: false,
      error: {
        code: 'not-found',
        message: `There is no '${channelName.slice(0, 64)}' call in this version of Crontray.`,
      },
    };
  }
  warnOldRoutineDelay(channelName, payload, options.logger);
  const parsed = contract[channelName].request.safeParse(payload);
  if (!parsed.success) return { ok: false, error: describeZodError(parsed.error) };
  try {
    const handler = handlers[channelName] as (request: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ServiceError) {
      const body: ErrorBody = { code: error.code, message: error.message };
      if (error.field) {
        body.field = error.field;
        body.issues = [{ field: error.field, message: error.message }];
      }
      return { ok: false, error: body };
    }
    if (error instanceof z.ZodError) return { ok: false, error: describeZodError(error) };
    options.logger.error(`Service: ${channelName} failed`, error);
    const reason = withoutModuleName(
      error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
    );
    const storage = storageProblem(error);
    if (storage) {
      const hint = reason.includes('try again') ? '' : ` ${storage}`;
      return {
        ok: false,
        error: {
          code: 'unavailable',
          message: `Could not complete ${channelName}: ${reason}.${hint}`,
        },
      };
    }
    return {
      ok: false,
      error: { code: 'internal', message: `Could not complete ${channelName}: ${reason}` },
    };
  }
}
