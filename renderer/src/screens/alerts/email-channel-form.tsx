import { useState } from 'react';
import type { AlertSettings } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { fieldIssues, messageOf } from '../../format/error-message.js';

type Security = 'starttls' | 'tls' | 'none';

interface EmailForm {
  name: string;
  host: string;
  port: string;
  security: Security;
  allowSelfSigned: boolean;
  user: string;
  password: string;
  from: string;
  to: string;
}

const EMPTY: EmailForm = {
  name: '',
  host: '',
  port: '587',
  security: 'starttls',
  allowSelfSigned: false,
  user: '',
  password: '',
  from: '',
  to: '',
};

/** The form's fields in the order they are shown, with their labels (errors name them). */
const LABELS: Record<keyof EmailForm, string> = {
  name: 'Name',
  host: 'SMTP host',
  port: 'Port',
  security: 'Security',
  allowSelfSigned: 'Accept a self-signed certificate',
  user: 'User',
  password: 'Password',
  from: 'From',
  to: 'To',
};

/** Problems the browser can see before asking the service, keyed by field. */
function localProblems(form: EmailForm): Map<keyof EmailForm, string> {
  const problems = new Map<keyof EmailForm, string>();
  if (form.name.trim() === '') problems.set('name', 'Name is required.');
  if (form.host.trim() === '') problems.set('host', 'SMTP host is required.');
  const port = Number(form.port);
  if (!/^\d+$/.test(form.port.trim()) || port < 1 || port > 65535)
    problems.set('port', 'Port must be a whole number from 1 to 65535.');
  if (form.to.trim() === '') problems.set('to', 'To needs at least one address.');
  return problems;
}

/** "channels.3.to.1" -> "to" for the channel being added at index 3. */
function fieldOf(path: string, index: number): keyof EmailForm | null {
  const prefix = `channels.${index}.`;
  if (!path.startsWith(prefix)) return null;
  const field = path.slice(prefix.length).split('.')[0] as keyof EmailForm;
  return field in LABELS ? field : null;
}

/** Adds an email (SMTP) channel; every refusal is shown beside the field it names. */
export function EmailChannelForm({
  settings,
  onSaved,
}: {
  settings: AlertSettings;
  onSaved: (s: AlertSettings) => void;
}) {
  const api = useApi();
  const [form, setForm] = useState<EmailForm>(EMPTY);
  const [issues, setIssues] = useState<Map<keyof EmailForm, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const set = <K extends keyof EmailForm>(key: K, value: EmailForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setIssues((i) => {
      const next = new Map(i);
      next.delete(key);
      return next;
    });
  };

  const add = async () => {
    setError(null);
    const local = localProblems(form);
    if (local.size > 0) {
      setIssues(local);
      setError([...local.values()].join(' '));
      return;
    }
    const index = settings.channels.length;
    const id = `mail-${Date.now().toString(36)}`;
    setSaving(true);
    try {
      const saved = await api['alerts:settings:set']({
        ...settings,
        channels: [
          ...settings.channels,
          {
            id,
            name: form.name.trim(),
            kind: 'email',
            host: form.host.trim(),
            port: Number(form.port),
            security: form.security,
            allowSelfSigned: form.allowSelfSigned,
            user: form.user,
            password: form.password,
            from: form.from.trim(),
            to: form.to
              .split(',')
              .map((a) => a.trim())
              .filter((a) => a !== ''),
            timeoutMs: 10_000,
            enabled: true,
          },
        ],
        defaultChannels: [...settings.defaultChannels, id],
      });
      setForm(EMPTY);
      setIssues(new Map());
      onSaved(saved);
    } catch (e) {
      const byField = new Map<keyof EmailForm, string>();
      for (const [path, message] of fieldIssues(e)) {
        const field = fieldOf(path, index);
        // The service's sentence starts with the path ("channels.1.host: …"); the label says it here.
        if (field) byField.set(field, message.replace(/^channels\.\d+\.[\w.]+: /, ''));
      }
      setIssues(byField);
      const named = [...byField.keys()].map((f) => LABELS[f]);
      setError(
        named.length > 0
          ? `${named.join(', ')}: ${[...byField.values()].join('; ')}`
          : messageOf(e),
      );
    } finally {
      setSaving(false);
    }
  };

  const text = (key: Exclude<keyof EmailForm, 'security' | 'allowSelfSigned'>, type = 'text') => {
    const problem = issues.get(key);
    return (
      <span className="field">
        <label htmlFor={`email-${key}`}>{LABELS[key]}</label>{' '}
        <input
          id={`email-${key}`}
          type={type}
          value={form[key]}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `email-${key}-error` : undefined}
          onChange={(e) => set(key, e.target.value)}
        />
        {problem && (
          <span id={`email-${key}-error`} className="error" data-testid={`email-${key}-error`}>
            {problem}
          </span>
        )}
      </span>
    );
  };

  return (
    <form
      className="alert-form"
      aria-label="Add an email channel"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      {text('name')}
      {text('host')}
      {text('port')}
      <label>
        Security{' '}
        <select
          value={form.security}
          onChange={(e) => {
            const security = e.target.value as Security;
            set('security', security);
            if (form.port === '587' || form.port === '465' || form.port === '25')
              set('port', security === 'tls' ? '465' : security === 'starttls' ? '587' : '25');
          }}
        >
          <option value="starttls">STARTTLS (port 587)</option>
          <option value="tls">TLS (port 465)</option>
          <option value="none">None (local relay only)</option>
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={form.allowSelfSigned}
          onChange={(e) => set('allowSelfSigned', e.target.checked)}
        />{' '}
        {LABELS.allowSelfSigned}
      </label>
      {text('user')}
      {text('password', 'password')}
      {text('from', 'email')}
      {text('to')}
      <button type="submit" disabled={saving}>
        {saving ? 'Saving…' : 'Add email channel'}
      </button>
      {error && (
        <span role="alert" className="error" data-testid="email-form-error">
          {error}
        </span>
      )}
    </form>
  );
}
