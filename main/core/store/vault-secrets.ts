import { SECRET_MASK } from '../model/action.js';
import type { Action } from '../model/action.js';

type Pair = { name: string; value: string; secret: boolean };

/** The list of name/value pairs an action may mark secret, and its field name for error paths. */
function pairsOf(action: Action): { field: 'env' | 'headers'; pairs: Pair[] } | null {
  if (action.kind === 'shell') return { field: 'env', pairs: action.env };
  if (action.kind === 'http') return { field: 'headers', pairs: action.headers };
  return null;
}

/** The action as the renderer may see it: every secret value replaced by SECRET_MASK. */
export function maskAction(action: Action): Action {
  const mask = (pairs: Pair[]): Pair[] =>
    pairs.map((p) => (p.secret ? { ...p, value: SECRET_MASK } : p));
  if (action.kind === 'shell') return { ...action, env: mask(action.env) };
  if (action.kind === 'http') return { ...action, headers: mask(action.headers) };
  return action;
}

/** A field the caller must fix, with its path inside the action (e.g. ['env', 2, 'value']). */
export interface ActionFieldIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Applies an edit from the renderer: a value still equal to SECRET_MASK means "keep what is
 * stored" for the pair of the same name. A masked value with nothing stored behind it is an error
 * rather than a silently saved mask.
 */
export function mergeActionUpdate(
  incoming: Action,
  stored: Action | null,
): { ok: true; action: Action } | { ok: false; issues: ActionFieldIssue[] } {
  const target = pairsOf(incoming);
  if (target === null) return { ok: true, action: incoming };
  const source = stored !== null && stored.kind === incoming.kind ? pairsOf(stored) : null;
  const storedByName = new Map((source?.pairs ?? []).map((p) => [p.name, p.value]));
  const issues: ActionFieldIssue[] = [];
  const merged = target.pairs.map((pair, index) => {
    if (pair.value !== SECRET_MASK) return pair;
    const kept = storedByName.get(pair.name);
    if (kept === undefined) {
      const what = target.field === 'env' ? 'variable' : 'header';
      issues.push({
        path: [target.field, index, 'value'],
        message: `${what} '${pair.name}' still shows the mask but no saved value exists under that name; type the value again`,
      });
      return pair;
    }
    return { ...pair, value: kept };
  });
  if (issues.length > 0) return { ok: false, issues };
  if (incoming.kind === 'shell') return { ok: true, action: { ...incoming, env: merged } };
  if (incoming.kind === 'http') return { ok: true, action: { ...incoming, headers: merged } };
  return { ok: true, action: incoming };
}
