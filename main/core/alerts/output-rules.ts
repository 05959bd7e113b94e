import type { RunOutcome } from '../actions/runner.js';
import type { BoundedOutput } from '../model/run.js';
import type { OutputRules } from './alert-config.js';

/** The text the patterns are matched against: both streams, as the record keeps them. */
function outputText(outcome: RunOutcome): string {
  const text = (o: BoundedOutput | null | undefined) => (o ? `${o.head}\n${o.tail}` : '');
  return `${text(outcome.stdout)}\n${text(outcome.stderr)}`;
}

/** The first line of `text` that `re` matches, trimmed to a readable length. */
function matchingLine(text: string, re: RegExp): string | null {
  const match = re.exec(text);
  if (!match) return null;
  const start = text.lastIndexOf('\n', match.index) + 1;
  const end = text.indexOf('\n', match.index);
  const line = text.slice(start, end === -1 ? undefined : end).trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/**
 * Judges a run by its output: a succeeded run whose output matches the failure pattern, or
 * lacks the success pattern, becomes failed, and `rule` names the rule that decided. Runs that
 * already failed keep their status; the patterns only ever make a success a failure.
 */
export function applyOutputRules(
  outcome: RunOutcome,
  rules: OutputRules,
): { outcome: RunOutcome; rule: string | null } {
  if (outcome.status !== 'succeeded') return { outcome, rule: null };
  if (rules.failurePattern === null && rules.successPattern === null)
    return { outcome, rule: null };
  const text = outputText(outcome);
  if (rules.failurePattern !== null) {
    const line = matchingLine(text, new RegExp(rules.failurePattern, 'm'));
    if (line !== null) {
      const rule = `failure pattern /${rules.failurePattern}/ matched`;
      return {
        outcome: { ...outcome, status: 'failed', error: `Output rule: ${rule}: ${line}` },
        rule,
      };
    }
  }
  if (rules.successPattern !== null && !new RegExp(rules.successPattern, 'm').test(text)) {
    const rule = `success pattern /${rules.successPattern}/ not found`;
    return { outcome: { ...outcome, status: 'failed', error: `Output rule: ${rule}` }, rule };
  }
  return { outcome, rule: null };
}
