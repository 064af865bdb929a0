/**
 * A labelled form control with its error under it. The error is tied to the control (aria-invalid,
 * aria-describedby), so a screen reader and a test read the same message the cashier sees.
 */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';

interface FieldShellProps {
  label: ReactNode;
  error?: string | null | undefined;
  hint?: ReactNode;
  className?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

export function FieldShell({ label, error, hint, className, children }: FieldShellProps) {
  const id = useId();
  const errorId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error ? 'has-error' : '', className ?? ''].join(' ').trim()}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {error ? (
        <div className="field-error" id={errorId} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: ReactNode;
  error?: string | null | undefined;
  hint?: ReactNode;
  fieldClassName?: string;
  inputRef?: React.Ref<HTMLInputElement>;
}

export function TextField({
  label,
  error,
  hint,
  fieldClassName,
  inputRef,
  className,
  ...rest
}: TextFieldProps) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={fieldClassName}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          ref={inputRef}
          className={['input', className ?? ''].join(' ').trim()}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          {...rest}
        />
      )}
    </FieldShell>
  );
}

export interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: ReactNode;
  error?: string | null | undefined;
  hint?: ReactNode;
  fieldClassName?: string;
  options: readonly { value: string; label: string }[];
}

export function SelectField({
  label,
  error,
  hint,
  fieldClassName,
  options,
  className,
  ...rest
}: SelectFieldProps) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={fieldClassName}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          className={['input select', className ?? ''].join(' ').trim()}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          {...rest}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}
