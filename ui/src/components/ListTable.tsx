// The table of a list screen (campaigns, page types, content, attributes,
// environments, event sets): one row per item, either opened by a click
// (or Enter) or with Edit / Delete buttons at the end.

export interface Column<T> {
  header: React.ReactNode;
  cell: (row: T) => React.ReactNode;
  /** Class of the cell. */
  className?: string | ((row: T) => string);
  headerClassName?: string;
  /** Tooltip of the cell. */
  title?: (row: T) => string;
  testId?: string;
}

export interface RowActions<T> {
  /** Test ids are `${testIdPrefix}-edit-${id}` and `${testIdPrefix}-delete-${id}`. */
  testIdPrefix: string;
  id: (row: T) => string;
  onEdit?: (row: T) => void;
  onDelete?: (row: T) => void;
}

interface Props<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  rowTestId: (row: T) => string;
  testId: string;
  compact?: boolean;
  /** Clicking a row, or Enter on it, opens it. */
  onOpen?: (row: T) => void;
  isSelected?: (row: T) => boolean;
  /** Extra data attributes of a row. */
  rowData?: (row: T) => Record<`data-${string}`, string>;
  actions?: RowActions<T>;
}

export function ListTable<T>({ rows, columns, rowKey, rowTestId, testId, compact, onOpen, isSelected, rowData, actions }: Props<T>) {
  const className = "table" + (compact ? " table-compact" : "") + (onOpen ? " table-clickable" : "");
  const cellClass = (c: Column<T>, row: T) => (typeof c.className === "function" ? c.className(row) : c.className) || undefined;
  return (
    <table className={className} data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} className={c.headerClassName}>
              {c.header}
            </th>
          ))}
          {actions && <th aria-label="Actions" />}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={rowKey(row)}
            data-testid={rowTestId(row)}
            {...rowData?.(row)}
            {...(onOpen
              ? {
                  tabIndex: 0,
                  onClick: () => onOpen(row),
                  onKeyDown: (e: React.KeyboardEvent) => e.key === "Enter" && onOpen(row),
                  className: isSelected?.(row) ? "selected" : "",
                }
              : {})}
          >
            {columns.map((c, i) => (
              <td key={i} className={cellClass(c, row)} title={c.title?.(row)} data-testid={c.testId}>
                {c.cell(row)}
              </td>
            ))}
            {actions && (
              <td className="actions">
                {actions.onEdit && (
                  <button type="button" className="btn-small" onClick={() => actions.onEdit?.(row)} data-testid={`${actions.testIdPrefix}-edit-${actions.id(row)}`}>
                    Edit
                  </button>
                )}
                {actions.onDelete && (
                  <button type="button" className="btn-small btn-danger-outline" onClick={() => actions.onDelete?.(row)} data-testid={`${actions.testIdPrefix}-delete-${actions.id(row)}`}>
                    Delete
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
