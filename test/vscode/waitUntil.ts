// Polling for state the editor reaches asynchronously (diagnostics, activation, a terminal's output),
// which no event announces to a test. Not a test file: index.ts loads only *.test.js.

/** Checks `condition` every `intervalMs` until it holds or `timeoutMs` has passed; says whether it held. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
