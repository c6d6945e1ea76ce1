// "Delete X?" for any list: confirms, runs the delete mutation, shows its
// error inside the dialog, and forgets the error on Cancel.
import type { ErrorReport } from "../bindings/ErrorReport";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorBanner } from "./ErrorBanner";

/** The parts of a TanStack Query delete mutation the dialog drives. */
export interface DeleteMutation<V> {
  isPending: boolean;
  error: ErrorReport | null;
  reset: () => void;
  mutate: (variables: V, options: { onSuccess: () => void }) => void;
}

interface Props<V> {
  title: string;
  message: React.ReactNode;
  confirmLabel: string;
  mutation: DeleteMutation<V>;
  /** What to delete, as the mutation takes it. */
  variables: V;
  /** Cancel (and, unless `onDeleted` is given, success): close the dialog. */
  onClose: () => void;
  onDeleted?: () => void;
  errorTitle?: string;
  errorTestId?: string;
}

export function DeleteDialog<V>({ title, message, confirmLabel, mutation, variables, onClose, onDeleted = onClose, errorTitle, errorTestId }: Props<V>) {
  return (
    <ConfirmDialog
      title={title}
      message={message}
      confirmLabel={confirmLabel}
      busy={mutation.isPending}
      onCancel={() => {
        onClose();
        mutation.reset();
      }}
      onConfirm={() => mutation.mutate(variables, { onSuccess: onDeleted })}
    >
      <ErrorBanner error={mutation.error} title={errorTitle} testId={errorTestId} />
    </ConfirmDialog>
  );
}
