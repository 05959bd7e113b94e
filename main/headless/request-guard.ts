import type { IncomingMessage } from 'node:http';
import { tokenMatches } from './token.js';

export interface GuardResult {
  status: number;
  message: string;
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The origins a page served by this server has; anything else is another site. */
export function allowedOrigins(port: number): Set<string> {
  return new Set(LOOPBACK_HOSTS.map((h) => `http://${h}:${port}`));
}

/**
 * Refuses requests a DNS-rebinding page could make: the Host header must name a loopback
 * address on our port, whatever address the socket came from.
 */
export function checkHost(req: IncomingMessage, port: number): GuardResult | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!LOOPBACK_HOSTS.some((h) => host === `${h}:${port}`)) {
    return {
      status: 403,
      message: `Headless: Host '${host.slice(0, 100)}' is not this machine's loopback address`,
    };
  }
  return null;
}

/** Refuses cross-origin requests: a browser names the page's origin, and it must be ours. */
export function checkOrigin(req: IncomingMessage, port: number): GuardResult | null {
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin)) {
    return {
      status: 403,
      message: `Headless: cross-origin request from '${origin.slice(0, 100)}' refused`,
    };
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') {
    return { status: 403, message: 'Headless: cross-site request refused' };
  }
  return null;
}

/** Every API request carries the token as a bearer credential. */
export function checkToken(req: IncomingMessage, token: string): GuardResult | null {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  if (!tokenMatches(token, given)) {
    return {
      status: 401,
      message: 'Headless: missing or wrong token; open the URL printed at start-up',
    };
  }
  return null;
}
