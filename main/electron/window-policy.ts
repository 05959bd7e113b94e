import { isAppUrl } from './app-origin.js';

/** Navigation inside the window stays on the app's own origin; anything else is refused. */
export function navigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/** Only plain https links may leave the app, and only to the system browser. */
export function externalUrlAllowed(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
}

/**
 * What to do with a window.open / target=_blank request: never a new Electron window; an https
 * link the user clicked goes to the system browser, anything else is dropped.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: string | null } {
  return { action: 'deny', openExternally: externalUrlAllowed(url) ? url : null };
}

/** No web permission (camera, notifications, geolocation, ...) is ever granted to the page. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}
