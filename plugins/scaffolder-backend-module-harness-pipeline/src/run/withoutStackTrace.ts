/**
 * Runs an action's work and rethrows its error with the stack trace
 * replaced by the error's name and message: the scaffolder writes a failed
 * step's `error.stack` to the task log, where a template user needs the
 * failure message, not the action's call stack.
 */
export async function withoutStackTrace<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error) {
      error.stack = `${error.name}: ${error.message}`;
    }
    throw error;
  }
}
