import type { EditorForm } from './editor-form.js';

/** What every editor section receives: the form, a way to change it, and field errors. */
export interface SectionProps {
  form: EditorForm;
  /** Merges a change; `paths` are the contract fields it touches (their old errors clear). */
  update: (patch: Partial<EditorForm>, ...paths: string[]) => void;
  errorOf: (path: string) => string | undefined;
}
