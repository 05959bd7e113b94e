import type { AlertMessage } from './alert-message.js';

/**
 * The fields a template may name, and how each is read from an alert. A template sees only the
 * alert it belongs to (never the vault, never another task): this table is all it can reach.
 */
const FIELDS: Record<string, (m: AlertMessage) => string | number | null> = {
  kind: (m) => m.kind,
  title: (m) => m.title,
  text: (m) => m.text,
  at: (m) => new Date(m.at).toISOString(),
  'task.id': (m) => m.task?.id ?? null,
  'task.name': (m) => m.task?.name ?? null,
  'task.project': (m) => m.task?.project ?? null,
  'task.group': (m) => m.task?.group ?? null,
  'run.id': (m) => m.run?.runId ?? null,
  'run.status': (m) => m.run?.status ?? null,
  'run.exitCode': (m) => m.run?.exitCode ?? null,
  'run.httpStatus': (m) => m.run?.httpStatus ?? null,
  'run.durationMs': (m) => m.run?.durationMs ?? null,
  'run.error': (m) => m.run?.error ?? null,
  'run.rule': (m) => m.run?.rule ?? null,
  'run.outputTail': (m) => m.run?.outputTail ?? null,
  'incident.id': (m) => m.incident?.id ?? null,
  'incident.openedAt': (m) => (m.incident ? new Date(m.incident.openedAt).toISOString() : null),
};

export const TEMPLATE_FIELDS: readonly string[] = Object.keys(FIELDS);

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g;

/** The placeholders of `template` that are not fields; empty when the template is usable. */
export function unknownTemplateFields(template: string): string[] {
  const unknown: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!Object.hasOwn(FIELDS, name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** Fills `{{task.name}}`-style placeholders; a field without a value becomes ''. */
export function renderTemplate(template: string, message: AlertMessage): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    const read = Object.hasOwn(FIELDS, name) ? FIELDS[name] : undefined;
    const value = read ? read(message) : null;
    return value === null ? '' : String(value);
  });
}
