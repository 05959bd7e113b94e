import { useEffect, useState } from 'react';
import type { SchedulePreview } from '../../../../main/api/contract.js';
import type { ScheduleInput } from '../../../../main/core/model/schedule.js';
import type { TaskTriggersInput } from '../../../../main/core/model/triggers.js';
import type { TaskConditionsInput } from '../../../../main/core/model/conditions.js';
import { useApi } from '../../api/api-context.js';
import { fieldIssues, isInvalid, messageOf } from '../../format/error-message.js';

export type PreviewState =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'ready'; preview: SchedulePreview }
  /** `invalid` is true when the service refused the schedule (Save must stay disabled). */
  | { state: 'error'; message: string; invalid: boolean; issues: Map<string, string> };

/**
 * Asks the service (tasks:preview) what a schedule means and when it runs, `delayMs` after
 * the last change (default 300 ms), so typing a pattern does not send a request per key.
 * Pass null for a schedule that is not worth asking about yet.
 */
export function useSchedulePreview(
  schedule: ScheduleInput | null,
  timezone: string,
  delayMs = 300,
  triggers?: TaskTriggersInput,
  conditions?: TaskConditionsInput,
): PreviewState {
  const api = useApi();
  const [preview, setPreview] = useState<PreviewState>({ state: 'idle' });
  const key = schedule
    ? JSON.stringify([schedule, timezone, triggers ?? null, conditions ?? null])
    : '';

  useEffect(() => {
    if (!key) {
      setPreview({ state: 'idle' });
      return;
    }
    const [request, zone, more, gates] = JSON.parse(key) as [
      ScheduleInput,
      string,
      TaskTriggersInput | null,
      TaskConditionsInput | null,
    ];
    let current = true;
    setPreview({ state: 'checking' });
    const timer = setTimeout(() => {
      api['tasks:preview']({
        schedule: request,
        count: 5,
        ...(zone ? { timezone: zone } : {}),
        ...(more ? { triggers: more } : {}),
        ...(gates ? { conditions: gates } : {}),
      }).then(
        (value) => {
          if (current) setPreview({ state: 'ready', preview: value });
        },
        (error: unknown) => {
          if (current) {
            setPreview({
              state: 'error',
              message: messageOf(error),
              invalid: isInvalid(error),
              issues: fieldIssues(error),
            });
          }
        },
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, key, delayMs]);

  return preview;
}
