/** Prints a command's result: one JSON document with --json, else the given text lines. */
export function emit(
  context: { json: boolean; out(text: string): void },
  value: unknown,
  text: () => string,
): void {
  context.out(context.json ? JSON.stringify(value, null, 2) : text());
}

/** A table with columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** "in 3 min" / "5 min ago" relative to `now`, with the ISO time for scripts that read text. */
export function when(at: number | null, now: number): string {
  if (at === null) return '-';
  const diff = at - now;
  const abs = Math.abs(diff);
  const unit =
    abs < 60_000
      ? `${Math.round(abs / 1000)} s`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)} min`
        : abs < 86_400_000
          ? `${Math.round(abs / 3_600_000)} h`
          : `${Math.round(abs / 86_400_000)} d`;
  return diff >= 0 ? `in ${unit}` : `${unit} ago`;
}
