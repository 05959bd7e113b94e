import { useEffect, useState } from 'react';
import type { AlertSettings, AlertView, Incident } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { messageOf } from '../../format/error-message.js';
import { useLoad } from '../../hooks/use-load.js';
import { AlertHistory, IncidentList } from './alert-history.js';
import { ChannelList } from './channel-list.js';
import { EmailChannelForm } from './email-channel-form.js';

interface AlertsData {
  incidents: Incident[];
  history: AlertView[];
  settings: AlertSettings;
}

/**
 * Open incidents (acknowledge), where alerts go (send test, add a webhook or an email channel),
 * and every alert sent.
 */
export function AlertsScreen() {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const [load, reload] = useLoad<AlertsData>(async () => {
    const [incidents, history, settings] = await Promise.all([
      api['alerts:incidents']({ open: true }),
      api['alerts:history']({ limit: 100 }),
      api['alerts:settings:get'](),
    ]);
    return { incidents, history, settings };
  }, [api]);

  useEffect(() => api.on('alerts:changed', () => reload()), [api, reload]);

  const acknowledge = async (id: string) => {
    try {
      await api['alerts:acknowledge']({ id });
      reload();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <section aria-label="Alerts" className="alerts-screen">
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <LoadView load={load} what="alerts" onRetry={reload}>
        {(data) => (
          <>
            <h2>Open incidents</h2>
            <IncidentList incidents={data.incidents} onAcknowledge={(id) => void acknowledge(id)} />
            <h2>Channels</h2>
            <ChannelList settings={data.settings} onSaved={() => reload()} />
            <EmailChannelForm settings={data.settings} onSaved={() => reload()} />
            <h2>History</h2>
            <AlertHistory alerts={data.history} />
          </>
        )}
      </LoadView>
    </section>
  );
}
