import type { RunRecord } from '../model/run.js';

/** Where a query's words were found in a piece of text: [start, end) offsets into it. */
export type MatchRange = [number, number];

/** One place a search hit shows, with the matched words marked. */
export interface SearchSnippet {
  field: 'name' | 'output' | 'error';
  /** A short excerpt around the first match ('…' marks cut ends). */
  text: string;
  /** The matched words inside `text`. */
  matches: MatchRange[];
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The form a word is compared in: accents off and lower case, as the index's encoder does. */
export function normalizeWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The distinct words of a query (or any text), in the compared form. */
export function queryWords(query: string): string[] {
  return [...new Set(Array.from(query.matchAll(WORD), (m) => normalizeWord(m[0])))];
}

/** What the index reads of a run: its task's names, both streams' kept output, and its error. */
export function searchableFields(record: RunRecord): Record<SearchSnippet['field'], string> {
  const streams = [record.stdout, record.stderr]
    .flatMap((s) => (s ? [s.head, s.tail] : []))
    .filter((t) => t !== '');
  return {
    name: `${record.project} ${record.group} ${record.name}`,
    output: streams.join('\n'),
    error: record.error ?? '',
  };
}

/** The words of `text` equal to one of `words` (already normalised). */
export function findMatches(text: string, words: readonly string[]): MatchRange[] {
  if (words.length === 0) return [];
  const wanted = new Set(words);
  const out: MatchRange[] = [];
  for (const m of text.matchAll(WORD)) {
    if (wanted.has(normalizeWord(m[0]))) out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

/** Characters shown either side of the first match. */
const CONTEXT = 60;

/**
 * The excerpts a hit shows: each field where a query word occurs, cut around its first match.
 * A field without a match is left out; a hit matched only through the index's own folding
 * (rare) shows the start of its output instead, unmarked.
 */
export function snippetsFor(record: RunRecord, words: readonly string[]): SearchSnippet[] {
  const fields = searchableFields(record);
  const out: SearchSnippet[] = [];
  for (const field of ['error', 'output', 'name'] as const) {
    const text = fields[field];
    const matches = findMatches(text, words);
    if (matches.length === 0) continue;
    const from = Math.max(0, matches[0]![0] - CONTEXT);
    const to = Math.min(text.length, matches[0]![1] + CONTEXT * 2);
    const lead = from > 0 ? '…' : '';
    const cut = lead + text.slice(from, to) + (to < text.length ? '…' : '');
    const shift = lead.length - from;
    out.push({
      field,
      text: cut,
      matches: matches
        .filter(([s, e]) => s >= from && e <= to)
        .map(([s, e]): MatchRange => [s + shift, e + shift]),
    });
  }
  if (out.length === 0 && fields.output !== '') {
    out.push({ field: 'output', text: fields.output.slice(0, CONTEXT * 3), matches: [] });
  }
  return out;
}
