import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How hard a run pushed (cycles, inputs, runs checked) for docs/RELIABILITY.md. The soak sets
 * CRONTRAY_FIGURES_DIR and collects the files; in npm test this writes nothing.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const dir = process.env.CRONTRAY_FIGURES_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

/** A whole-number setting from the environment, so the soak can run the same test longer. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
