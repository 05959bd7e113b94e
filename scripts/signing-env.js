// The pipeline's signing step: says which installers will be signed and notarised, and warns
// (a GitHub Actions ::warning::, not a failure) for each secret that is absent, so forks and pull
// requests still build unsigned installers. On macOS without a certificate it tells
// electron-builder not to look for one in the keychain (GITHUB_ENV).
// Usage: node scripts/signing-env.js   (reads CSC_LINK, WIN_CSC_LINK, APPLE_ID from the environment)
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What to tell and what to export, for one platform and environment. */
export function signingPlan(platform, env) {
  const has = (name) => typeof env[name] === 'string' && env[name].trim() !== '';
  const plan = { notes: [], warnings: [], exports: {} };
  if (platform === 'darwin') {
    if (has('CSC_LINK')) plan.notes.push('macOS: signing with the certificate in CSC_LINK.');
    else {
      plan.warnings.push(
        'macOS: CSC_LINK is not set, so the app is not signed (Gatekeeper will refuse it); set the CSC_LINK and CSC_KEY_PASSWORD secrets to sign.',
      );
      plan.exports.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
    }
    if (has('APPLE_ID')) plan.notes.push('macOS: notarising with APPLE_ID.');
    else
      plan.warnings.push(
        'macOS: APPLE_ID is not set, so the app is not notarised; set APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID to notarise.',
      );
  } else if (platform === 'win32') {
    if (has('WIN_CSC_LINK') || has('CSC_LINK'))
      plan.notes.push('Windows: signing the installers with the configured certificate.');
    else
      plan.warnings.push(
        'Windows: WIN_CSC_LINK is not set, so the installers are not signed (SmartScreen will warn); set WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD to sign.',
      );
  } else {
    plan.notes.push('Linux: AppImage, deb and tar.gz are not signed; nothing to do.');
  }
  return plan;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const plan = signingPlan(process.platform, process.env);
  for (const note of plan.notes) console.log(`signing: ${note}`);
  for (const warning of plan.warnings) console.log(`::warning title=Unsigned build::${warning}`);
  const lines = Object.entries(plan.exports).map(([k, v]) => `${k}=${v}\n`);
  if (lines.length > 0 && process.env.GITHUB_ENV)
    appendFileSync(process.env.GITHUB_ENV, lines.join(''));
}
