import { Component, type ErrorInfo, type ReactNode } from "react";

/**
 * Catches a render error in one screen so the rest of the app keeps working,
 * and says what broke instead of leaving a blank window. Nothing is lost:
 * every change was already written to the workspace file.
 */
export class CrashBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("screen crashed", error, info.componentStack);
  }

  componentDidUpdate(prev: { resetKey?: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  render() {
    if (this.state.error) {
      return (
        <div className="screen">
          <div className="banner banner-error" role="alert" data-testid="crash">
            <strong>This screen hit a bug and stopped.</strong> Your work is saved in the workspace file. Switch to another
            section and back to retry.
            <pre className="small">{String(this.state.error.stack ?? this.state.error.message)}</pre>
          </div>
        </div>
      );
    }
    return this.props.children;
  }
}
