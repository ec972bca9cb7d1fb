import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';

export interface ReasonDialogProps {
  title: string;
  /** What will happen, in a sentence. */
  description?: ReactNode;
  confirmLabel: string;
  /** Fields asked for besides the reason (e.g. an assignee). */
  children?: ReactNode;
  pending: boolean;
  error: string | null;
  onConfirm(reason: string): void;
  onClose(): void;
}

/**
 * A modal asking why: every action is audited with a reason. A native <dialog> opened with
 * showModal traps focus and closes on Escape; confirming is disabled while the request runs.
 */
export function ReasonDialog({ title, description, confirmLabel, children, pending, error, onConfirm, onClose }: ReasonDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const id = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pending || !reason.trim()) return;
    onConfirm(reason.trim());
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      // Escape: the parent decides (it keeps the dialog while the request runs), so the native
      // dialog never closes under a React state that still thinks it is open.
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={onClose}
    >
      <form onSubmit={submit}>
        <h2 id={`${id}-title`}>{title}</h2>
        {description ? <p>{description}</p> : null}
        {children}
        <label htmlFor={`${id}-reason`}>Reason (kept in the audit trail)</label>
        <textarea id={`${id}-reason`} name="reason" required rows={3} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending || !reason.trim()}>
            {pending ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
