const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') return identity(value as object);
    return JSON.stringify(value) ?? 'undefined';
  }
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

function identity(value: object): string {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = ++nextObjectId;
    objectIds.set(value, id);
  }
  return `#${id}`;
}

/**
 * Identifies an action for idempotent registration: a function by identity (the same function
 * object is the same action), anything else by its content with keys sorted.
 */
export function defaultFingerprint(action: unknown): string {
  return typeof action === 'function' ? identity(action) : stableJson(action);
}
