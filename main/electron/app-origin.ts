/** The renderer's scheme: a privileged standard+secure scheme, so it gets an origin and CSP. */
export const APP_SCHEME = 'app';
/** The one host the scheme serves; any other host is refused. */
export const APP_HOST = 'crontray';
/** What the window loads. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True for URLs of the app's own origin (app://crontray/...), whatever their path. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
