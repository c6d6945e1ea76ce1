import { useEscape } from "./useEscape";

interface Props {
  /** The id of the heading that names the dialog, or `label` when it has none. */
  labelledBy?: string;
  label?: string;
  testId: string;
  className?: string;
  onClose: () => void;
  children: React.ReactNode;
}

/** A modal dialog: closes on Escape and on a click outside it. */
export function Modal({ labelledBy, label, testId, className, onClose, children }: Props) {
  useEscape(onClose);
  return (
    <div className="modal-backdrop" onMouseDown={onClose}>
      <div
        className={className ? `modal ${className}` : "modal"}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-label={label}
        data-testid={testId}
        onMouseDown={(e) => e.stopPropagation()}
      >
        {children}
      </div>
    </div>
  );
}
