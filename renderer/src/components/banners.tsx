import { useEffect, useState } from 'react';
import type { EventMap, VaultStatus } from '../../../main/api/contract.js';
import { useApi } from '../api/api-context.js';

type Notice = EventMap['notice'] & { id: number };

/** How many notices stay on screen; older ones give way so the banner never grows unbounded. */
const MAX_NOTICES = 5;

/**
 * Dismissible banners: the service's notices (a file moved aside, a disk error) as they arrive,
 * and the vault's warning when actions are not stored securely.
 */
export function Banners({ vault }: { vault: VaultStatus | null }) {
  const api = useApi();
  const [notices, setNotices] = useState<Notice[]>([]);
  const [dismissedVault, setDismissedVault] = useState<string | null>(null);

  useEffect(() => {
    let next = 1;
    return api.on('notice', (notice) =>
      setNotices((list) => [...list, { ...notice, id: next++ }].slice(-MAX_NOTICES)),
    );
  }, [api]);

  const vaultMessage =
    vault && (vault.warning || !vault.secure)
      ? (vault.warning ??
        `Task actions are stored without encryption (vault backend: ${vault.backend}).`)
      : null;

  if (notices.length === 0 && (!vaultMessage || vaultMessage === dismissedVault)) return null;
  return (
    <div className="banners" aria-live="polite">
      {vaultMessage && vaultMessage !== dismissedVault && (
        <div className="banner banner-warning" data-testid="vault-banner">
          <span>{vaultMessage}</span>
          <button
            type="button"
            className="icon"
            aria-label="Dismiss vault warning"
            onClick={() => setDismissedVault(vaultMessage)}
          >
            ×
          </button>
        </div>
      )}
      {notices.map((n) => (
        <div
          key={n.id}
          className={`banner banner-${n.level}`}
          role={n.level === 'error' ? 'alert' : 'status'}
        >
          <span>{n.message}</span>
          <button
            type="button"
            className="icon"
            aria-label="Dismiss notice"
            onClick={() => setNotices((list) => list.filter((x) => x.id !== n.id))}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
