import type { Handlers } from '../../api/contract.js';
import type { CoreParts } from './core-parts.js';
import { timelineRange } from './timeline-range.js';

type SearchTimelineHandlers = Pick<Handlers, 'history:search' | 'timeline:range'>;

/** Search through the history and the timeline of past and coming runs. */
export function searchTimelineHandlers(parts: () => CoreParts): SearchTimelineHandlers {
  return {
    'history:search': async (request) => parts().search.search(request),
    'timeline:range': async (request) => timelineRange(parts(), request),
  };
}
