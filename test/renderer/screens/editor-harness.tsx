import { vi } from 'vitest';
import { render } from '@testing-library/react';
import { ApiError } from '../../../main/api/channel.js';
import type { RequestOf, SchedulePreview, TaskView } from '../../../main/api/contract.js';
import { ApiProvider } from '../../../renderer/src/api/api-context.js';
import { TaskEditor } from '../../../renderer/src/screens/editor/task-editor.js';
import { fakeApi } from '../fake-api.js';
import type { FakeHandlers } from '../fake-api.js';

/** The task editor against a fake service whose preview answers with `previewOf`. */
export function renderEditorWith(
  previewOf: (request: RequestOf<'tasks:preview'>) => SchedulePreview,
  handlers: FakeHandlers = {},
  taskId: string | null = null,
) {
  const fake = fakeApi({ 'tasks:preview': previewOf, ...handlers });
  const onSaved = vi.fn<(task: TaskView) => void>();
  render(
    <ApiProvider api={fake.api}>
      <TaskEditor taskId={taskId} onSaved={onSaved} previewDelayMs={0} />
    </ApiProvider>,
  );
  return { fake, onSaved };
}

/** A tasks:update that refuses the first save on `field`, then saves and answers `saved`. */
export function refusingOnce(field: string, message: string, saved: TaskView) {
  let refuse = true;
  return () => {
    if (!refuse) return saved;
    refuse = false;
    throw new ApiError({ code: 'invalid', message, field });
  };
}
