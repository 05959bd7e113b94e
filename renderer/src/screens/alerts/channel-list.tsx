import { useState } from 'react';
import type { AlertSettings, AlertView } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { messageOf } from '../../format/error-message.js';

type Format = 'generic' | 'slack' | 'discord' | 'teams' | 'ntfy';

/** The alert channels with a "Send test" button each, and a form to add a webhook. */
export function ChannelList({
  settings,
  onSaved,
}: {
  settings: AlertSettings;
  onSaved: (s: AlertSettings) => void;
}) {
  const api = useApi();
  const [result, setResult] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<Format>('generic');
  const [error, setError] = useState<string | null>(null);

  const test = async (channelId: string) => {
    setResult((r) => ({ ...r, [channelId]: 'Sending…' }));
    try {
      const sent: AlertView = await api['alerts:test']({ channelId });
      const d = sent.deliveries[0];
      const last = d?.attempts.at(-1);
      setResult((r) => ({
        ...r,
        [channelId]: last ? `${d?.state ?? ''}: ${last.message}` : 'queued',
      }));
    } catch (e) {
      setResult((r) => ({ ...r, [channelId]: messageOf(e) }));
    }
  };

  const add = async () => {
    setError(null);
    const id = `hook-${Date.now().toString(36)}`;
    try {
      const saved = await api['alerts:settings:set']({
        ...settings,
        channels: [...settings.channels, { id, name, kind: 'webhook', format, url }],
        defaultChannels: [...settings.defaultChannels, id],
      });
      setName('');
      setUrl('');
      onSaved(saved);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <>
      <ul className="alert-list" aria-label="Channels">
        {settings.channels.map((c) => (
          <li key={c.id} className="alert-item" data-testid="channel">
            <strong>{c.name}</strong> <span className="muted">{c.kind}</span>
            {settings.defaultChannels.includes(c.id) && (
              <span className="muted"> · default</span>
            )}{' '}
            <button type="button" onClick={() => void test(c.id)}>
              Send test
            </button>{' '}
            {result[c.id] && <span data-testid="test-result">{result[c.id]}</span>}
          </li>
        ))}
      </ul>
      <form
        className="alert-form"
        aria-label="Add a webhook"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Format{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="generic">Generic JSON</option>
            <option value="slack">Slack</option>
            <option value="discord">Discord</option>
            <option value="teams">Microsoft Teams</option>
            <option value="ntfy">ntfy</option>
          </select>
        </label>
        <label>
          Webhook URL{' '}
          <input
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://"
            required
          />
        </label>
        <button type="submit">Add webhook</button>
        {error && (
          <span role="alert" className="error">
            {error}
          </span>
        )}
      </form>
    </>
  );
}
