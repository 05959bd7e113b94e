import type { ParentRun } from './runner.js';

/**
 * What a chained run ("after task A") is told about its parent: environment variables for shell
 * and script actions, a `crontrayParent` field in an HTTP action's JSON body.
 */
export function parentRunEnv(parent: ParentRun | undefined): Record<string, string> {
  if (parent === undefined) return {};
  return {
    CRONTRAY_PARENT_RUN_ID: parent.runId,
    CRONTRAY_PARENT_TASK: parent.taskName,
    CRONTRAY_PARENT_STATUS: parent.status,
    // A NUL cannot be in an environment variable; a program's output may hold one.
    CRONTRAY_PARENT_OUTPUT_TAIL: parent.outputTail.replaceAll('\0', ''),
  };
}

/**
 * The body an HTTP action sends after a parent run: an empty body becomes a JSON object with the
 * `crontrayParent` field, a JSON object body gets the field added; any other body is sent as
 * written (its format is the receiver's, not ours to change).
 */
export function parentRunBody(
  body: string | undefined,
  parent: ParentRun | undefined,
): { body: string | undefined; json: boolean } {
  if (parent === undefined) return { body, json: false };
  const field = {
    runId: parent.runId,
    task: parent.taskName,
    status: parent.status,
    outputTail: parent.outputTail,
  };
  if (body === undefined || body.trim() === '')
    return { body: JSON.stringify({ crontrayParent: field }), json: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { body, json: false };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { body, json: false };
  return { body: JSON.stringify({ ...parsed, crontrayParent: field }), json: true };
}
