import type { ButtonHTMLAttributes, ReactNode } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost' | 'success';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'md' | 'lg' | 'xl' | 'sm';
  /** Keyboard shortcut shown on the button (`Enter`, `Esc`, `R`…). */
  kbd?: string;
  busy?: boolean;
  icon?: ReactNode;
}

export function Button({
  variant = 'secondary',
  size = 'md',
  kbd,
  busy,
  icon,
  children,
  className,
  disabled,
  ...rest
}: ButtonProps) {
  return (
    <button
      type="button"
      {...rest}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={['btn', `btn-${variant}`, `btn-${size}`, busy ? 'is-busy' : '', className ?? '']
        .join(' ')
        .trim()}
    >
      {busy ? (
        <span className="spinner" aria-hidden="true" />
      ) : icon ? (
        <span className="btn-icon" aria-hidden="true">
          {icon}
        </span>
      ) : null}
      <span className="btn-label">{children}</span>
      {kbd ? (
        <kbd className="btn-kbd" aria-hidden="true">
          {kbd}
        </kbd>
      ) : null}
    </button>
  );
}
