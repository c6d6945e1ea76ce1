import { useEffect, useRef } from "react";
import { Modal } from "./Modal";

interface Props {
  title: string;
  message: React.ReactNode;
  confirmLabel: string;
  busy?: boolean;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children?: React.ReactNode;
}

/** A modal asking the user to confirm a destructive action. */
export function ConfirmDialog({ title, message, confirmLabel, busy, danger = true, onConfirm, onCancel, children }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <Modal labelledBy="confirm-title" testId="confirm-dialog" onClose={onCancel}>
      <h2 id="confirm-title">{title}</h2>
      <div className="modal-body">{message}</div>
      {children}
      <div className="modal-actions">
        <button type="button" ref={cancelRef} onClick={onCancel} data-testid="confirm-cancel">
          Cancel
        </button>
        <button
          type="button"
          className={danger ? "btn-danger" : "btn-primary"}
          onClick={onConfirm}
          disabled={busy}
          data-testid="confirm-ok"
        >
          {busy ? "Working…" : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
