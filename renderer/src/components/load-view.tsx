import type { ReactNode } from 'react';
import type { Load } from '../hooks/use-load.js';

/** The three states every screen has: loading, an error that says what happened, the value. */
export function LoadView<T>({
  load,
  what,
  onRetry,
  children,
}: {
  load: Load<T>;
  /** What is being loaded, for the messages ("tasks", "history"). */
  what: string;
  onRetry?: () => void;
  children: (value: T) => ReactNode;
}) {
  if (load.state === 'loading') {
    return (
      <p className="loading" role="status">
        Loading {what}…
      </p>
    );
  }
  if (load.state === 'error') {
    return (
      <div role="alert" className="error-box">
        <p>
          Could not load {what}: {load.message}
        </p>
        {onRetry && (
          <button type="button" className="secondary" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    );
  }
  return <>{children(load.value)}</>;
}
