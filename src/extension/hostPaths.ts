// Where the extension's own host files are, whether it runs from the .vsix or from a checkout.
import { accessSync, chmodSync, constants } from 'node:fs';
import * as path from 'node:path';

/** The folder holding `wasip1` and `go_wasip1_wasm_exec` (dist/../bin). */
export function hostBinDirectory(): string {
  return path.join(__dirname, '..', 'bin');
}

let checked = false;

/** A .vsix is a zip, which may drop the executable bits that `go` needs to run our exec script. */
function ensureExecutable(): void {
  if (checked || process.platform === 'win32') return;
  checked = true;
  for (const name of ['wasip1', 'go_wasip1_wasm_exec']) {
    const file = path.join(hostBinDirectory(), name);
    try {
      accessSync(file, constants.X_OK);
    } catch {
      try {
        chmodSync(file, 0o755);
      } catch {
        // A read-only install: go reports the exec failure itself, naming the file.
      }
    }
  }
}

/**
 * Environment that makes `go run`/`go test` for wasip1 use our host: our bin folder first on PATH,
 * and the editor's own JavaScript runtime for the exec script, so no separate Node install is needed.
 */
export function hostExecEnvironment(basePath = process.env.PATH ?? ''): Record<string, string> {
  ensureExecutable();
  return {
    PATH: `${hostBinDirectory()}${path.delimiter}${basePath}`,
    WASIP1_NODE: process.execPath,
    ELECTRON_RUN_AS_NODE: '1',
  };
}
