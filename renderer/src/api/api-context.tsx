import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';
import type { Api } from '../../../main/api/contract.js';

const ApiContext = createContext<Api | null>(null);

/** Makes the one `api` object available to every screen. */
export function ApiProvider({ api, children }: { api: Api; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api)
    throw new Error(
      'useApi: no ApiProvider above this component; wrap the screen in <ApiProvider api={…}>',
    );
  return api;
}
