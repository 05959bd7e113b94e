// npm test's security gate: runs @doyensec/electronegativity (offline) over the app exactly as
// it is packaged (dist/main, dist/preload, dist/renderer, package.json) for Electron 45.4.1 and
// fails on any HIGH-severity finding. Lower findings are listed so a reviewer sees them.
// Usage: node scripts/electronegativity.js              (after `npm run build`)
//        node scripts/electronegativity.js --input DIR  (scan another app folder, e.g. a test fixture)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ELECTRON_VERSION = '45.4.1';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * HIGH findings accepted after review, each explained in docs/SECURITY.md: `CHECK_ID file`.
 * Empty: the app has none today.
 */
const ACCEPTED = new Set([]);

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function main(argv) {
  const inputFlag = argv.indexOf('--input');
  const input = inputFlag >= 0 ? argv[inputFlag + 1] : null;
  const parts = ['dist/main', 'dist/preload', 'dist/renderer', 'package.json'];
  const missing = input
    ? existsSync(input)
      ? []
      : [input]
    : parts.filter((part) => !existsSync(join(root, part)));
  if (missing.length > 0) {
    console.error(`electronegativity: ${missing.join(', ')} missing; run 'npm run build' first.`);
    return 1;
  }
  const work = mkdtempSync(join(tmpdir(), 'crontray-electronegativity-'));
  try {
    const app = input ?? join(work, 'app');
    if (!input)
      for (const part of parts) cpSync(join(root, part), join(app, part), { recursive: true });
    const output = join(work, 'result.csv');
    const cli = join(
      dirname(require.resolve('@doyensec/electronegativity/package.json')),
      'dist',
      'index.js',
    );
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        new URL('./electronegativity-serial-writes.js', import.meta.url).href,
        cli,
        ...['-i', app, '-e', ELECTRON_VERSION, '-r', '-v', 'false', '-o', output],
      ],
      {
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    if (run.status !== 0 || !existsSync(output)) {
      console.error(
        `electronegativity: the scan did not complete (exit ${run.status ?? run.signal}).\n${run.stdout}\n${run.stderr}`,
      );
      return 1;
    }
    const [header, ...rows] = parseCsv(readFileSync(output, 'utf8'));
    const col = (name) => header.findIndex((h) => h.trim() === name);
    const findings = rows.map((r) => ({
      id: r[col('issue')],
      severity: r[col('severity')],
      confidence: r[col('confidence')],
      file: r[col('filename')],
      location: r[col('location')],
    }));
    const high = findings.filter(
      (f) => f.severity === 'HIGH' && !ACCEPTED.has(`${f.id} ${f.file}`),
    );
    console.log(
      `electronegativity ${ELECTRON_VERSION}: ${findings.length} finding(s), ${high.length} of HIGH severity not accepted.`,
    );
    for (const f of findings)
      console.log(
        `  ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id}  ${f.file}:${f.location}`,
      );
    if (high.length > 0) {
      console.error(
        'electronegativity: fix the HIGH findings above, or document a justified exception in docs/SECURITY.md and list it in ACCEPTED.',
      );
      return 1;
    }
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2));
