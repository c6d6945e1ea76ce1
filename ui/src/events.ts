// Tauri events for the lifetime of a React effect.
import { listen } from "@tauri-apps/api/event";

/**
 * Calls `f` with each `name` event's payload until the returned function
 * runs (an effect's cleanup). A cleanup that comes before `listen` resolved
 * still unlistens, and nothing arrives after it. Outside Tauri (tests, a
 * plain browser) there are no events and this does nothing.
 */
export function listenUntilCleanup<T>(name: string, f: (payload: T) => void): () => void {
  let unlisten: (() => void) | undefined;
  let stopped = false;
  listen<T>(name, (e) => {
    if (!stopped) f(e.payload);
  })
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch(() => {
      /* not inside Tauri: nothing to listen to */
    });
  return () => {
    stopped = true;
    unlisten?.();
  };
}
