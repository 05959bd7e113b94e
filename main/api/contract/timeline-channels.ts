import { z } from 'zod';
import { instant } from '../../core/model/schedule.js';
import { timezoneSchema } from '../../core/model/task.js';
import type {
  TimelineComing,
  TimelineDst,
  TimelineRange,
  TimelineTask,
  TimelineWindow,
} from '../../core/service/timeline-range.js';
import type { TimelinePastRun } from '../../core/jobs/timeline-past.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';

export type {
  TimelineComing,
  TimelineDst,
  TimelinePastRun,
  TimelineRange,
  TimelineTask,
  TimelineWindow,
};

/** The longest range one call may ask for: a few weeks keeps the answer a few megabytes. */
const MAX_RANGE_MS = 31 * 86_400_000;

/** Past runs (the run index) and coming runs (the engine) of every task in one time range. */
export const timelineChannels = {
  'timeline:range': channel<TimelineRange>()(
    z
      .object({
        from: instant('from'),
        to: instant('to'),
        /** The viewer's zone, so its clock changes are marked. */
        zone: timezoneSchema.optional(),
      })
      .strict()
      .refine((r) => r.to > r.from, { message: 'to must be after from', path: ['to'] })
      .refine((r) => r.to - r.from <= MAX_RANGE_MS, {
        message: 'the range is at most 31 days: ask for a shorter one',
        path: ['to'],
      }),
  ),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
