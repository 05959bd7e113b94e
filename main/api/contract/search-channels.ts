import { z } from 'zod';
import { runFilter } from './history-channels.js';
import type { SearchHit, SearchResult } from '../../core/jobs/search-runs.js';
import type { MatchRange, SearchSnippet } from '../../core/jobs/search-text.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';

export type { SearchHit, SearchResult, SearchSnippet, MatchRange };

/** Full-text search through run output, errors and task names, with the history's filters. */
export const searchChannels = {
  'history:search': channel<SearchResult>()(
    runFilter
      .omit({ sessionId: true, cursor: true })
      .extend({
        query: z
          .string()
          .max(256, 'query is at most 256 characters')
          .refine((q) => /[\p{L}\p{N}]/u.test(q), 'query needs at least one letter or digit'),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      })
      .strict(),
  ),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
