import { ApiError } from '../../../main/api/channel.js';

/** The text to show for a failed call: the service's own message, which says how to fix it. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The service's problems keyed by field path ("schedule.pattern", "action.url"). Paths of
 * tasks:update arrive under "patch."; that prefix is dropped so one form serves both calls.
 */
export function fieldIssues(error: unknown): Map<string, string> {
  const issues = new Map<string, string>();
  if (!(error instanceof ApiError)) return issues;
  const all =
    error.issues.length > 0
      ? error.issues
      : error.field
        ? [{ field: error.field, message: error.message }]
        : [];
  for (const issue of all) {
    const field = issue.field.replace(/^patch\./, '');
    if (!issues.has(field)) issues.set(field, issue.message);
  }
  return issues;
}

/** True for a refusal of the input, as opposed to a service that cannot answer right now. */
export function isInvalid(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'invalid';
}
