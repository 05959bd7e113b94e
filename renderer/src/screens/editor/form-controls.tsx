import type { ReactNode } from 'react';
import { FieldError } from '../../components/field-error.js';

/** The DOM id for a contract field path ("schedule.pattern" -> "f-schedule-pattern"). */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

interface Common {
  /** The contract's path for this value, so the service's errors land here. */
  path: string;
  label: string;
  error: string | undefined;
  hint?: ReactNode;
  className?: string;
}

function describedBy(path: string, error: string | undefined, hint: ReactNode): string | undefined {
  const ids = [error ? `${fieldId(path)}-error` : '', hint ? `${fieldId(path)}-hint` : ''].filter(
    Boolean,
  );
  return ids.length ? ids.join(' ') : undefined;
}

function Wrapper({
  path,
  label,
  error,
  hint,
  className,
  children,
}: Common & { children: ReactNode }) {
  const id = fieldId(path);
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

export function TextInput(
  props: Common & {
    value: string;
    onChange: (value: string) => void;
    type?: 'text' | 'number' | 'password' | 'url' | 'datetime-local' | 'time';
    multiline?: boolean;
    placeholder?: string;
    spellCheck?: boolean;
    min?: number;
    max?: number;
    step?: number | 'any';
  },
) {
  const {
    path,
    error,
    hint,
    value,
    onChange,
    type = 'text',
    multiline,
    placeholder,
    spellCheck,
    min,
    max,
    step,
  } = props;
  const shared = {
    id: fieldId(path),
    value,
    placeholder,
    spellCheck,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(path, error, hint),
  };
  return (
    <Wrapper {...props}>
      {multiline ? (
        <textarea {...shared} rows={4} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...shared}
          type={type}
          min={min}
          max={max}
          step={step}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Wrapper>
  );
}

export function SelectInput<V extends string>(
  props: Common & {
    value: V;
    onChange: (value: V) => void;
    options: readonly (readonly [V, string])[];
  },
) {
  const { path, error, hint, value, onChange, options } = props;
  return (
    <Wrapper {...props}>
      <select
        id={fieldId(path)}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(path, error, hint)}
        onChange={(e) => onChange(e.target.value as V)}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </Wrapper>
  );
}

export function CheckboxInput({
  label,
  checked,
  onChange,
  hint,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: string;
}) {
  return (
    <div className="field checkbox">
      <label>
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />{' '}
        {label}
      </label>
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}

/** Native radios in a fieldset: arrow keys move between them, the legend names the choice. */
export function RadioGroup<V extends string>({
  path,
  label,
  value,
  options,
  error,
  onChange,
}: {
  path: string;
  label: string;
  value: V;
  options: readonly (readonly [V, string])[];
  error: string | undefined;
  onChange: (value: V) => void;
}) {
  const id = fieldId(path);
  return (
    <fieldset
      className="field radios"
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{label}</legend>
      {options.map(([v, text]) => (
        <label key={v} className="inline">
          <input
            type="radio"
            name={id}
            value={v}
            checked={value === v}
            onChange={() => onChange(v)}
          />{' '}
          {text}
        </label>
      ))}
      <FieldError id={`${id}-error`} message={error} />
    </fieldset>
  );
}
