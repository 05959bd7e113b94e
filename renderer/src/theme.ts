import type { Settings } from '../../main/api/contract.js';

export type Theme = Settings['theme'];

/**
 * Applies a theme as an attribute on <html>; the stylesheet reads it (and follows the system
 * for 'system'). An attribute, not injected style text, so the strict CSP holds.
 */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
}
