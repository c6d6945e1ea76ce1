import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";

export function renderWithQuery(ui: React.ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}

/** IPC handlers by command name, for a mocked `invoke`. */
export type Routes = Record<string, (args: Record<string, unknown>) => unknown>;

/** Makes the mocked `invoke` answer from `routes`; any other command fails as the app would see it. */
export function answerFrom(invoke: { mockImplementation: (f: (cmd: string, args: Record<string, unknown>) => Promise<unknown>) => unknown }, routes: Routes) {
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
    if (cmd in routes) return routes[cmd](args);
    throw { kind: "internal", message: `unexpected ${cmd}` };
  });
}
