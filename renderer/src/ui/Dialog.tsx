/** A confirmation on the native <dialog> (modal: focus kept inside, Esc cancels, the page behind inert). */
import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from '../i18n/index.ts';
import { Button } from './Button.tsx';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  variant?: 'primary' | 'danger';
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel,
  variant = 'primary',
  busy,
  onConfirm,
  onCancel,
  testId,
}: ConfirmDialogProps) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      confirmRef.current?.querySelector<HTMLButtonElement>('button.btn-' + variant)?.focus();
    }
    if (!open && d.open) d.close();
  }, [open, variant]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-modal="true"
      aria-labelledby={testId ? `${testId}-title` : undefined}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      {open ? (
        <>
          <h2 className="dialog-title" id={testId ? `${testId}-title` : undefined}>
            {title}
          </h2>
          <div className="dialog-body">{children}</div>
          <div className="dialog-actions" ref={confirmRef}>
            <Button variant="secondary" size="lg" onClick={onCancel} disabled={busy} kbd="Esc">
              {cancelLabel ?? t('common.cancel')}
            </Button>
            <Button
              variant={variant}
              size="lg"
              onClick={onConfirm}
              busy={busy}
              data-testid={testId ? `${testId}-confirm` : undefined}
              kbd="Enter"
            >
              {confirmLabel}
            </Button>
          </div>
        </>
      ) : null}
    </dialog>
  );
}
