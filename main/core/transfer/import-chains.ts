import type { ImportDraft } from './import-plan.js';

/** A draft the import cannot take because of its chain links, with the field and the reason. */
export interface RefusedLink {
  draft: ImportDraft;
  field: string;
  message: string;
}

export interface ChainedImport {
  /** The drafts to create, each after the tasks of the bundle it runs after. */
  ordered: ImportDraft[];
  refused: RefusedLink[];
}

const linksOf = (draft: ImportDraft) => draft.task.triggers?.after ?? [];

/**
 * Chain links (`triggers.after`) of imported tasks: a link to a task of the same bundle follows
 * that task to its new id, so parents are created first; a link `outside` resolves (a task
 * already here, by its bundle id or its id) is kept. A task whose link leads nowhere (neither in
 * the bundle nor here, or to a task of the bundle that is not imported) is not imported, the
 * field named: dropping the link quietly would change when it runs.
 */
export function orderByChains(
  drafts: readonly ImportDraft[],
  outside: (taskId: string) => string | null,
): ChainedImport {
  const bySource = new Map<string, ImportDraft>();
  for (const d of drafts) if (d.sourceId !== undefined) bySource.set(d.sourceId, d);
  const refused = new Map<ImportDraft, RefusedLink>();
  // A refusal can leave a child of the refused task without its parent: repeat until none.
  for (let changed = true; changed;) {
    changed = false;
    for (const draft of drafts) {
      if (refused.has(draft)) continue;
      const problem = brokenLink(draft, bySource, refused, outside);
      if (problem === null) continue;
      refused.set(draft, { draft, ...problem });
      changed = true;
    }
  }
  const ordered = parentsFirst(
    drafts.filter((d) => !refused.has(d)),
    bySource,
  );
  for (const draft of ordered.looping)
    refused.set(draft, {
      draft,
      field: 'triggers.after',
      message: `'${draft.task.name}' and the tasks of the bundle it runs after would run each other forever`,
    });
  return { ordered: ordered.done, refused: [...refused.values()] };
}

function brokenLink(
  draft: ImportDraft,
  bySource: ReadonlyMap<string, ImportDraft>,
  refused: ReadonlyMap<ImportDraft, RefusedLink>,
  outside: (taskId: string) => string | null,
): { field: string; message: string } | null {
  for (const [i, link] of linksOf(draft).entries()) {
    const field = `triggers.after.${i}.taskId`;
    const parent = bySource.get(link.taskId);
    if (parent !== undefined && !refused.has(parent)) continue;
    if (outside(link.taskId) !== null) continue;
    return {
      field,
      message:
        parent !== undefined
          ? `it runs after '${parent.task.name}', which is not imported`
          : `it runs after a task with id '${link.taskId}' that is neither in the bundle nor here; export that task with it`,
    };
  }
  return null;
}

/** Kahn's order over the links inside the import; what is left in a loop is `looping`. */
function parentsFirst(
  drafts: readonly ImportDraft[],
  bySource: ReadonlyMap<string, ImportDraft>,
): { done: ImportDraft[]; looping: ImportDraft[] } {
  const inImport = new Set(drafts);
  const waiting = new Map<ImportDraft, number>();
  const children = new Map<ImportDraft, ImportDraft[]>();
  for (const d of drafts) {
    const parents = linksOf(d)
      .map((l) => bySource.get(l.taskId))
      .filter((p): p is ImportDraft => p !== undefined && inImport.has(p));
    waiting.set(d, parents.length);
    for (const p of parents) children.set(p, [...(children.get(p) ?? []), d]);
  }
  const done = drafts.filter((d) => waiting.get(d) === 0);
  for (let i = 0; i < done.length; i++) {
    for (const child of children.get(done[i]!) ?? []) {
      const left = (waiting.get(child) ?? 0) - 1;
      waiting.set(child, left);
      if (left === 0) done.push(child);
    }
  }
  const placed = new Set(done);
  return { done, looping: drafts.filter((d) => !placed.has(d)) };
}

/** The draft's task with each chain link pointing at the id its parent has here. */
export function remapLinks(draft: ImportDraft, idOf: (taskId: string) => string | null) {
  const t = draft.task.triggers;
  if (t?.after === undefined || t.after.length === 0) return draft.task;
  const after = t.after.map((l) => ({ ...l, taskId: idOf(l.taskId) ?? l.taskId }));
  return { ...draft.task, triggers: { ...t, after } };
}
