import { CONTENT_SECURITY_POLICY, readStatic } from '../headless/static-files.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/** Headers on every app:// answer: our CSP, no MIME sniffing, no referrer leaving the app. */
export function appResponseHeaders(type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

function refusal(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: appResponseHeaders('text/plain; charset=utf-8'),
  });
}

/**
 * Answers one app:// request from the built renderer in `root` (dist/renderer). Only GET and
 * HEAD on app://crontray are served; a path that would leave `root` (../, %2e%2e, NUL) and a
 * missing asset get 404, an unknown route gets index.html (the UI routes on the client).
 */
export async function appProtocolResponse(
  root: string,
  url: string,
  method = 'GET',
): Promise<Response> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refusal(400, 'AppProtocol: the URL does not parse');
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== APP_HOST) {
    return refusal(404, `AppProtocol: only ${APP_SCHEME}://${APP_HOST}/ is served`);
  }
  if (method !== 'GET' && method !== 'HEAD')
    return refusal(405, `AppProtocol: ${method} is not served; use GET`);
  // The raw path keeps percent-escapes, so readStatic sees an encoded ../ and refuses it.
  const file = await readStatic(root, parsed.pathname);
  if (!file) return refusal(404, `AppProtocol: no such file ${parsed.pathname}`);
  return new Response(method === 'HEAD' ? null : new Uint8Array(file.body), {
    status: 200,
    headers: appResponseHeaders(file.type),
  });
}
