/**
 * `load` runs on first use and its result is kept for every later use; a load that fails is
 * forgotten, so the next use tries again instead of failing with the same error for the rest
 * of the process's life. For what a process loads only when it needs it (an SDK, a transport).
 */
export function loadOnce<T>(load: () => Promise<T>): Loaded<T> {
  let loading: Promise<T> | undefined;
  const get = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return Object.assign(get, {
    forget() {
      const kept = loading;
      loading = undefined;
      return kept;
    },
  });
}

export interface Loaded<T> {
  (): Promise<T>;
  /** Hands back what was loaded (or is loading), if anything, for closing; the next use loads anew. */
  forget(): Promise<T> | undefined;
}
