import { useCallback, useMemo, useState } from 'react';
import type { TaskView } from '../../../../main/api/contract.js';
import { scheduleSchema } from '../../../../main/core/model/schedule.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { fieldIssues, messageOf } from '../../format/error-message.js';
import { useLoad } from '../../hooks/use-load.js';
import { hrefOf } from '../../routing/route.js';
import { ActionSection } from './action-section.js';
import { emptyForm, formOf, scheduleOf, toInput, validateForm } from './editor-form.js';
import type { EditorForm } from './editor-form.js';
import { TextInput } from './form-controls.js';
import { PolicySection } from './policy-section.js';
import { ScheduleSection } from './schedule-section.js';
import { TaskAlertsSection } from './task-alerts-section.js';
import { useSchedulePreview } from './use-schedule-preview.js';
import { TriggersSection } from './triggers-section.js';
import { previewTriggersOf } from './triggers-form.js';
import { ConditionsSection } from './conditions-section.js';
import { conditionsOf } from './conditions-form.js';

export interface TaskEditorProps {
  /** The task to edit; null creates a new one. */
  taskId: string | null;
  /** Called with the saved task. */
  onSaved: (task: TaskView) => void;
  /** Quiet time after typing before the schedule is previewed. Default 300 ms. */
  previewDelayMs?: number;
}

/** Loads the task (when editing) and shows the form. */
export function TaskEditor({ taskId, onSaved, previewDelayMs }: TaskEditorProps) {
  const api = useApi();
  const [task, reload] = useLoad(
    async () => (taskId ? await api['tasks:get']({ id: taskId }) : null),
    [api, taskId],
  );
  return (
    <section aria-labelledby="editor-heading" className="screen">
      <div className="screen-header">
        <h2 id="editor-heading">{taskId ? 'Edit task' : 'New task'}</h2>
        <a href={hrefOf({ screen: 'tasks' })}>Back to tasks</a>
      </div>
      {taskId === null ? (
        <EditorFormView key="new" task={null} onSaved={onSaved} previewDelayMs={previewDelayMs} />
      ) : (
        <LoadView load={task} what="the task" onRetry={reload}>
          {(loaded) => (
            <>
              <EditorFormView
                key={`form-${loaded?.id ?? 'new'}`}
                task={loaded}
                onSaved={onSaved}
                previewDelayMs={previewDelayMs}
              />
              {/* Its own form (forms cannot nest), saved apart from the task. */}
              {loaded && <TaskAlertsSection key={`alerts-${loaded.id}`} taskId={loaded.id} />}
            </>
          )}
        </LoadView>
      )}
    </section>
  );
}

function EditorFormView({
  task,
  onSaved,
  previewDelayMs,
}: {
  task: TaskView | null;
  onSaved: (task: TaskView) => void;
  previewDelayMs: number | undefined;
}) {
  const api = useApi();
  const [form, setForm] = useState<EditorForm>(() => (task ? formOf(task) : emptyForm()));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [serverIssues, setServerIssues] = useState<Map<string, string>>(new Map());
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const locked = task?.locked ?? null;

  const problems = useMemo(() => {
    const all = validateForm(form);
    if (locked)
      for (const key of [...all.keys()])
        if (key === 'action' || key.startsWith('action.')) all.delete(key);
    return all;
  }, [form, locked]);

  const schedule = useMemo(() => {
    const candidate = scheduleOf(form);
    return scheduleSchema.safeParse(candidate).success ? candidate : null;
  }, [form]);
  const triggers = useMemo(() => previewTriggersOf(form.triggers), [form.triggers]);
  const conditions = useMemo(() => conditionsOf(form.conditions), [form.conditions]);
  const preview = useSchedulePreview(schedule, form.timezone, previewDelayMs, triggers, conditions);

  const update = useCallback((patch: Partial<EditorForm>, ...paths: string[]) => {
    setForm((f) => ({ ...f, ...patch }));
    if (paths.length === 0) return;
    setTouched((t) => new Set([...t, ...paths]));
    setServerIssues((issues) => {
      const next = new Map(issues);
      for (const key of issues.keys()) {
        if (paths.some((p) => key === p || key.startsWith(`${p}.`) || p.startsWith(`${key}.`)))
          next.delete(key);
      }
      return next;
    });
  }, []);

  const isTouched = (path: string) =>
    [...touched].some((t) => path === t || path.startsWith(`${t}.`));
  const errorOf = (path: string) =>
    serverIssues.get(path) ?? (attempted || isTouched(path) ? problems.get(path) : undefined);

  const previewBlocks =
    preview.state === 'checking' ||
    (preview.state === 'error' && preview.invalid) ||
    schedule === null;
  const canSave = problems.size === 0 && !previewBlocks && !saving;

  const save = async () => {
    setAttempted(true);
    if (!canSave) return;
    setSaving(true);
    setSaveError(null);
    try {
      const input = toInput(form);
      let saved: TaskView;
      if (task) {
        const { action, timezone, triggers, conditions, ...rest } = input;
        saved = await api['tasks:update']({
          id: task.id,
          patch: {
            ...rest,
            timezone: timezone ?? null,
            triggers: triggers ?? null,
            conditions: conditions ?? null,
            ...(locked ? {} : { action }),
          },
        });
      } else {
        saved = await api['tasks:create'](input);
      }
      onSaved(saved);
    } catch (error) {
      setServerIssues(fieldIssues(error));
      setSaveError(messageOf(error));
    } finally {
      setSaving(false);
    }
  };

  const blockers = [...problems.entries()]
    .slice(0, 3)
    .map(([field, message]) => (field ? `${field}: ${message}` : message));
  if (preview.state === 'error' && preview.invalid) blockers.unshift(preview.message);

  return (
    <form
      className="editor"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset className="card">
        <legend>Task</legend>
        <div className="grid-3">
          <TextInput
            path="name"
            label="Name"
            value={form.name}
            error={errorOf('name')}
            onChange={(name) => update({ name }, 'name')}
          />
          <TextInput
            path="project"
            label="Project"
            value={form.project}
            error={errorOf('project')}
            onChange={(project) => update({ project }, 'project')}
          />
          <TextInput
            path="group"
            label="Group"
            value={form.group}
            error={errorOf('group')}
            onChange={(group) => update({ group }, 'group')}
          />
        </div>
        <TextInput
          path="notes"
          label="Notes"
          multiline
          value={form.notes}
          error={errorOf('notes')}
          onChange={(notes) => update({ notes }, 'notes')}
        />
      </fieldset>

      <ScheduleSection form={form} update={update} errorOf={errorOf} preview={preview} />
      <ActionSection form={form} update={update} errorOf={errorOf} locked={locked} />
      <TriggersSection form={form} update={update} errorOf={errorOf} selfId={task?.id ?? null} />
      <ConditionsSection form={form} update={update} errorOf={errorOf} />
      <PolicySection form={form} update={update} errorOf={errorOf} />

      <div className="save-bar">
        {saveError && (
          <p role="alert" className="error" data-testid="save-error">
            The task was not saved: {saveError}
          </p>
        )}
        {!canSave && !saving && blockers.length > 0 && (
          <p className="hint" data-testid="save-blockers">
            Save is available once: {blockers.join('; ')}
          </p>
        )}
        <div className="row end">
          <a className="button secondary" href={hrefOf({ screen: 'tasks' })}>
            Cancel
          </a>
          <button type="submit" disabled={!canSave}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </form>
  );
}
