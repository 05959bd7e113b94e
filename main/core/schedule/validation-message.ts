/** Just what is needed of a zod issue, so both zod's issue shapes fit. */
export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

/** "schedule.everyMs: everyMs must be at least 100 ms; name: name is required" */
export function describeIssues(
  issues: readonly IssueLike[],
  prefix: readonly PropertyKey[] = [],
): string {
  return issues
    .map((issue) => {
      const path = [...prefix, ...issue.path].map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
