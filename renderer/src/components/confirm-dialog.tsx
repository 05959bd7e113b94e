import { useEffect, useId, useRef } from 'react';

/**
 * A small modal question. Focus starts on the safe answer (Cancel), Escape cancels, and Tab
 * stays inside while it is open.
 */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
  }, []);
  return (
    <div className="modal-backdrop">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        className="modal"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
          if (e.key === 'Tab') {
            e.preventDefault();
            (document.activeElement === cancelRef.current
              ? confirmRef
              : cancelRef
            ).current?.focus();
          }
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <p>{message}</p>
        <div className="row end">
          <button type="button" className="secondary" ref={cancelRef} onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" ref={confirmRef} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
