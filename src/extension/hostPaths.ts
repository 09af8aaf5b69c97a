// Where the extension's own host files are, whether it runs from the .vsix or from a checkout.
import * as path from 'node:path';

/** The folder holding `wasip1` and `go_wasip1_wasm_exec` (dist/../bin). */
export function hostBinDirectory(): string {
  return path.join(__dirname, '..', 'bin');
}

/**
 * Environment that makes `go run`/`go test` for wasip1 use our host: our bin folder first on PATH,
 * and the editor's own JavaScript runtime for the exec script, so no separate Node install is needed.
 */
export function hostExecEnvironment(basePath = process.env.PATH ?? ''): Record<string, string> {
  return {
    PATH: `${hostBinDirectory()}${path.delimiter}${basePath}`,
    WASIP1_NODE: process.execPath,
    ELECTRON_RUN_AS_NODE: '1',
  };
}
