import type { Incident, TaskView, UpdateStatus } from '../api/contract.js';
import type { CrontrayService } from '../core/service/service.js';
import type { TrayState } from './tray-menu.js';

/**
 * What the tray shows, read again from the service: status, tasks, update and open incidents.
 * A channel that fails keeps what was shown before, so one bad answer never blanks the menu.
 */
export async function readTrayState(
  service: Pick<CrontrayService, 'call'>,
  state: TrayState,
): Promise<TrayState> {
  const [status, tasks, update, incidents] = await Promise.all([
    service.call('scheduler:status', undefined),
    service.call('tasks:list', undefined),
    service.call('updates:status', undefined),
    service.call('alerts:incidents', { open: true }),
  ]);
  return {
    ...state,
    status: status.ok ? (status.value as TrayState['status']) : state.status,
    tasks: tasks.ok
      ? (tasks.value as TaskView[]).map((t) => ({ id: t.id, name: t.name, enabled: t.enabled }))
      : state.tasks,
    update: update.ok ? (update.value as UpdateStatus) : (state.update ?? null),
    incidents: incidents.ok
      ? (incidents.value as Incident[]).map((i) => ({
          id: i.id,
          taskName: i.task.name,
          kind: i.kind,
        }))
      : state.incidents,
  };
}
