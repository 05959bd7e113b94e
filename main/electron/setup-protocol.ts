import { protocol } from 'electron';
import { APP_SCHEME } from './app-origin.js';
import { appProtocolResponse } from './app-protocol.js';

/**
 * Must run before the app is ready: a standard, secure scheme gets a real origin, so the CSP's
 * 'self', fetch and storage work as they do over https.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** Serves the built renderer on app://crontray/ (see appProtocolResponse). */
export function setupProtocol(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, (request) =>
    appProtocolResponse(rendererRoot, request.url, request.method),
  );
}
