import { useState } from 'react';
import { useT } from '../i18n/index.ts';
import { Button } from './Button.tsx';
import { errorInfo, errorText } from './errors.ts';

export interface ErrorNoticeProps {
  error: unknown;
  title?: string;
  onRetry?: (() => void) | undefined;
  retryLabel?: string;
  onDismiss?: (() => void) | undefined;
  compact?: boolean;
  /** What to say instead of the generic `err.<code>` text (a screen that knows better, e.g. whose token it was). */
  text?: string | null | undefined;
}

/** An error a human can act on: what happened in words, what to do, and the request id support will ask for. */
export function ErrorNotice({
  error,
  title,
  onRetry,
  retryLabel,
  onDismiss,
  compact,
  text,
}: ErrorNoticeProps) {
  const t = useT();
  const info = errorInfo(error);
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    if (!info.requestId) return;
    try {
      await navigator.clipboard.writeText(info.requestId);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div
      className={['notice', 'notice-error', compact ? 'is-compact' : ''].join(' ').trim()}
      role="alert"
      data-testid="error-notice"
      data-code={info.code}
    >
      <div className="notice-icon" aria-hidden="true">
        !
      </div>
      <div className="notice-body">
        <div className="notice-title">{title ?? text ?? errorText(t, info.code)}</div>
        {title ? <div className="notice-text">{text ?? errorText(t, info.code)}</div> : null}
        {info.fields.length > 0 ? (
          <ul className="notice-fields">
            {info.fields.map((f) => (
              <li key={`${f.name}:${f.code}`}>
                <code>{f.name}</code> —{' '}
                {errorText(t, f.code) === t('err.unknown') ? f.code : errorText(t, f.code)}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="notice-meta">
          <span className="notice-code">
            {t('err.codeLabel')}: <code>{info.code}</code>
          </span>
          {info.requestId ? (
            <span className="notice-request">
              {t('err.requestId')}: <code data-testid="error-request-id">{info.requestId}</code>
              <button type="button" className="link-button" onClick={() => void copy()}>
                {copied ? t('common.copied') : t('common.copy')}
              </button>
            </span>
          ) : null}
        </div>
        {info.message && info.message !== info.code ? (
          <div className="notice-detail">{info.message}</div>
        ) : null}
      </div>
      <div className="notice-actions">
        {onRetry ? (
          <Button variant="primary" size="sm" onClick={onRetry}>
            {retryLabel ?? t('common.retry')}
          </Button>
        ) : null}
        {onDismiss ? (
          <Button variant="ghost" size="sm" onClick={onDismiss} aria-label={t('common.dismiss')}>
            ✕
          </Button>
        ) : null}
      </div>
    </div>
  );
}
