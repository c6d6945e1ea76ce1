// State of the condition editor: the visual builder tree or the text, kept
// in sync through condition_print / condition_parse.
import { useMemo, useState } from "react";
import type { Attribute } from "../bindings/Attribute";
import type { Condition } from "../bindings/Condition";
import type { ErrorReport } from "../bindings/ErrorReport";
import { usePrintCondition, useConditionParse } from "../queries";
import { builderToCondition, conditionToBuilder, type BuilderGroup } from "./builder";

export type EditorMode = "visual" | "text";

export function useConditionEditor(initial: Condition, attributes: Attribute[]) {
  const [mode, setMode] = useState<EditorMode>("visual");
  const [root, setRoot] = useState<BuilderGroup>(() => conditionToBuilder(initial));
  const [text, setText] = useState("");
  const [switchError, setSwitchError] = useState<ErrorReport | null>(null);
  const print = usePrintCondition();
  const parse = useConditionParse(text, mode === "text");

  const built = useMemo(() => {
    const types = new Map(attributes.map((a) => [a.name, a.type]));
    return builderToCondition(root, (n) => types.get(n));
  }, [root, attributes]);

  const textOk = mode === "text" && parse.settled && !parse.isFetching && parse.isSuccess;
  const condition: Condition | null = mode === "visual" ? built.condition : parse.isSuccess ? parse.data : null;

  const toText = () => {
    setSwitchError(null);
    print.mutate(built.condition, {
      onSuccess: (t) => {
        setText(t);
        setMode("text");
      },
      onError: setSwitchError,
    });
  };
  const toVisual = () => {
    if (!textOk || !parse.data) return;
    setSwitchError(null);
    setRoot(conditionToBuilder(parse.data));
    setMode("visual");
  };

  return {
    mode,
    root,
    setRoot,
    text,
    setText,
    toText,
    toVisual,
    switching: print.isPending,
    switchError,
    /** The condition to count and save; null while the text does not parse. */
    condition,
    /** Rows left out of the condition because they are incomplete (visual mode). */
    incomplete: mode === "visual" ? built.incomplete : 0,
    parseError: mode === "text" ? parse.error : null,
    parsing: mode === "text" && (!parse.settled || parse.isFetching),
    canSwitchToVisual: textOk,
  };
}

export type ConditionEditorState = ReturnType<typeof useConditionEditor>;
