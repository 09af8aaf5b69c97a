// Finds the `go` command for the benchmark and the std-test runner: PATH first, so a developer's
// chosen toolchain wins, then the usual install location, which CI images and fresh machines use
// without putting it on PATH.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const fallbacks = ['/usr/local/go/bin/go'];

export function findGo() {
  const candidates = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'go'));
  for (const candidate of [...candidates, ...fallbacks]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new Error('no `go` command found on PATH or in /usr/local/go/bin; install Go 1.21 or newer');
}
