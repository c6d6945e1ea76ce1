import type { ErrorReport } from "../bindings/ErrorReport";

interface Props {
  error: ErrorReport | null | undefined;
  testId?: string;
  title?: string;
  onDismiss?: () => void;
  children?: React.ReactNode;
}

/** A red banner with the error's sentence (never a debug dump). */
export function ErrorBanner({ error, testId = "error", title, onDismiss, children }: Props) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId} data-kind={error.kind}>
      <div className="banner-body">
        {title && <strong>{title} </strong>}
        <span className="banner-message">{error.message}</span>
        {children}
      </div>
      {onDismiss && (
        <button type="button" className="btn-link" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
