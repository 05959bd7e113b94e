/** Types for scripts/signing-env.js, for its tests. */
export interface SigningPlan {
  notes: string[];
  warnings: string[];
  exports: Record<string, string>;
}
export function signingPlan(platform: string, env: Record<string, string | undefined>): SigningPlan;
