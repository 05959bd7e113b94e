import { app, session, shell } from 'electron';
import type { Logger } from '../core/log/logger.js';
import { navigationAllowed, permissionAllowed, windowOpenDecision } from './window-policy.js';

/**
 * Applies the navigation, window.open, webview and permission rules to every webContents the
 * app ever creates, not only the main window, so no later feature can forget them.
 */
export function setupSecurity(logger: Logger): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permissionAllowed(permission));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission) =>
    permissionAllowed(permission),
  );

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!navigationAllowed(url)) {
        event.preventDefault();
        logger.warn(`Security: navigation to ${url} refused`);
      }
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      logger.warn('Security: <webview> refused');
    });
    contents.setWindowOpenHandler(({ url }) => {
      const decision = windowOpenDecision(url);
      if (decision.openExternally) {
        shell.openExternal(decision.openExternally).catch((error: unknown) => {
          logger.warn(
            `Security: could not open ${url}: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
      }
      return { action: decision.action };
    });
  });
}
