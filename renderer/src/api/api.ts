import type { Api, Bridge } from '../../../main/api/contract.js';
import { apiFromBridge } from './bridge-client.js';
import { createHttpApi } from './http-client.js';

declare global {
  interface Window {
    /** Present inside the Electron window: exactly the contract, exposed by the preload. */
    crontray?: Bridge;
  }
}

const TOKEN_KEY = 'crontray.token';

/** Reads the headless token from the URL fragment once, then keeps it for this tab only. */
function headlessToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The one api object: the preload bridge in Electron, else HTTP to headless mode. */
export function createApi(): Api | null {
  if (window.crontray) return apiFromBridge(window.crontray);
  const token = headlessToken();
  return token ? createHttpApi(window.location.origin, token) : null;
}
