import { useEffect, useState } from 'react';

export interface RunRef {
  project: string;
  group: string;
  name: string;
  runId: string;
}

export type Route =
  | { screen: 'tasks' }
  | { screen: 'editor'; taskId: string | null }
  | { screen: 'history'; run: RunRef | null }
  | { screen: 'timeline'; view: 'day' | 'week'; at: number | null }
  | { screen: 'dashboard' }
  | { screen: 'alerts' }
  | { screen: 'transfer' }
  | { screen: 'settings' };

/** Reads a location hash ("#/tasks/abc/edit"); anything unknown shows the tasks. */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [head, a, b, c, d, e] = parts;
  if (head === 'tasks' && a === 'new') return { screen: 'editor', taskId: null };
  if (head === 'tasks' && a && b === 'edit') return { screen: 'editor', taskId: a };
  if (head === 'history') {
    if (a === 'run' && b && c && d && e)
      return { screen: 'history', run: { project: b, group: c, name: d, runId: e } };
    return { screen: 'history', run: null };
  }
  if (head === 'timeline') {
    const at = b ? Date.parse(b) : Number.NaN;
    return {
      screen: 'timeline',
      view: a === 'day' ? 'day' : 'week',
      at: Number.isNaN(at) ? null : at,
    };
  }
  if (head === 'dashboard') return { screen: 'dashboard' };
  if (head === 'alerts') return { screen: 'alerts' };
  if (head === 'transfer') return { screen: 'transfer' };
  if (head === 'settings') return { screen: 'settings' };
  return { screen: 'tasks' };
}

/** The hash for a route; the inverse of parseRoute. */
export function hrefOf(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.screen) {
    case 'tasks':
      return '#/tasks';
    case 'editor':
      return route.taskId ? `#/tasks/${enc(route.taskId)}/edit` : '#/tasks/new';
    case 'history':
      return route.run
        ? `#/history/run/${enc(route.run.project)}/${enc(route.run.group)}/${enc(route.run.name)}/${enc(route.run.runId)}`
        : '#/history';
    case 'timeline':
      return route.at === null
        ? `#/timeline/${route.view}`
        : `#/timeline/${route.view}/${new Date(route.at).toISOString()}`;
    case 'dashboard':
      return '#/dashboard';
    case 'alerts':
      return '#/alerts';
    case 'transfer':
      return '#/transfer';
    case 'settings':
      return '#/settings';
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** The current route, following hashchange (back/forward, links). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
