import { Marked } from "marked";
import { useMemo, useRef } from "react";
import guide from "../../../docs/guide.md?raw";
import { Modal } from "../components/Modal";

// The guide ships inside the app (it works offline). Screenshots stay in the
// repository's docs; here an image shows as its caption.
const marked = new Marked({
  renderer: {
    image({ text }) {
      return `<em class="muted">[${text.replace(/[<>&"]/g, "")}]</em>`;
    },
  },
});

/** Help → Guide: the user guide (docs/guide.md), rendered in a panel. */
export function GuideDialog({ onClose }: { onClose: () => void }) {
  const html = useMemo(() => marked.parse(guide, { async: false }), []);
  const body = useRef<HTMLDivElement>(null);
  // Links inside the guide jump within it; the app never navigates away.
  const onClick = (e: React.MouseEvent) => {
    const a = (e.target as HTMLElement).closest("a");
    if (!a) return;
    e.preventDefault();
    const href = a.getAttribute("href") ?? "";
    if (href.startsWith("#")) body.current?.querySelector(`[id="${CSS.escape(href.slice(1))}"]`)?.scrollIntoView();
  };
  return (
    <Modal label="Tailor guide" testId="guide-dialog" className="guide-dialog" onClose={onClose}>
      <div className="guide-head">
        <h2>Guide</h2>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
      <div ref={body} className="guide-body" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />
    </Modal>
  );
}
