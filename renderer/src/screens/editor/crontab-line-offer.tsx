import type { CrontabLine } from '../../../../main/core/schedule/crontab-line.js';
import type { EditorForm } from './editor-form.js';
import type { SectionProps } from './section-props.js';

/** True when the form already has an action of its own that taking the command would replace. */
function hasAction(form: EditorForm): boolean {
  switch (form.actionKind) {
    case 'shell':
      return form.shellMode === 'exec' ? form.program.trim() !== '' : form.script.trim() !== '';
    case 'http':
      return form.url.trim() !== '';
    case 'script':
      return form.file.trim() !== '';
  }
}

/**
 * Shown when a whole crontab line was pasted into the pattern field: one click puts the time
 * fields in the pattern and the command in a shell action run by `sh`, as cron runs it.
 */
export function CrontabLineOffer({
  line,
  form,
  update,
}: {
  line: CrontabLine;
  form: EditorForm;
  update: SectionProps['update'];
}) {
  const replaces = hasAction(form);
  const take = () =>
    update(
      {
        cronPattern: line.pattern,
        actionKind: 'shell',
        shellMode: 'script',
        shell: 'sh',
        script: line.command,
      },
      'schedule.pattern',
      'schedule',
      'action',
    );
  return (
    <div className="info" role="group" aria-label="Crontab line" data-testid="crontab-line-offer">
      <p>
        This looks like a whole crontab line: the schedule is <code>{line.pattern}</code> and the
        command is <code>{line.command}</code>.
      </p>
      {line.note && <p className="hint">{line.note}</p>}
      <button type="button" onClick={take}>
        Use <code>{line.pattern}</code> as the pattern and run the command with sh
      </button>
      {replaces && <span className="hint"> (replaces the task’s current action)</span>}
    </div>
  );
}
