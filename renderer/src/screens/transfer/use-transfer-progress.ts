import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.js';

export interface Progress {
  done: number;
  total: number;
}

/**
 * The progress of this screen's own import or export: the service reports every operation on one
 * event, and the operation id the screen chose tells its own apart from the command line's.
 */
export function useTransferProgress(operationId: string | null): Progress | null {
  const api = useApi();
  const [progress, setProgress] = useState<Progress | null>(null);
  useEffect(() => {
    setProgress(null);
    if (operationId === null) return;
    return api.on('transfer:progress', (event) => {
      if (event.operationId === operationId) setProgress({ done: event.done, total: event.total });
    });
  }, [api, operationId]);
  return progress;
}

/** A fresh id for one operation (a UUID, as the contract's ids are). */
export function newOperationId(): string {
  return crypto.randomUUID();
}
