import { EmptyState } from "../components/StatusViews";
import type { Section } from "../sections";

/** Honest placeholder for sections that are not built yet. */
export function NotAvailable({ section }: { section: Section }) {
  return (
    <div className="screen">
      <div className="screen-header">
        <h1>{section.label}</h1>
      </div>
      <EmptyState title="Not available yet" testId="not-available">
        <p>
          {section.label} is coming with {section.comingWith}. Nothing here is hidden or simulated: this screen will
          appear once that part of Tailor exists.
        </p>
      </EmptyState>
    </div>
  );
}
