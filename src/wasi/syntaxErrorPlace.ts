// Where the syntax error of a JavaScript file is, for the message that refuses a host module:
// Node 20's import() rejects with the bare "Unexpected token" and no place. `node --check` prints
// it, so the file is checked again in a child, only on this failure path.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** `host.mjs:12:7` (file name, line, column of the caret), or undefined when it cannot be told. */
export function syntaxErrorPlace(file: string): string | undefined {
  const absolute = path.resolve(file);
  const check = spawnSync(process.execPath, ['--check', absolute], {
    encoding: 'utf8',
    timeout: 10_000,
    // Inside VS Code, execPath is Electron's binary, which is node only when asked.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  return check.status === 0 ? undefined : placeInCheckOutput(check.stderr ?? '', absolute);
}

/**
 * Reads node's report: `FILE:LINE`, the source line, then a caret under the column. Lines are
 * looked for by content, so a preceding warning does not matter.
 */
export function placeInCheckOutput(stderr: string, file: string): string | undefined {
  const lines = stderr.split('\n');
  const header = lines.findIndex((line) => line.startsWith(`${file}:`) && /^\d+$/.test(line.slice(file.length + 1)));
  if (header < 0) return undefined;
  const line = lines[header].slice(file.length + 1);
  const caret = lines[header + 2]?.indexOf('^') ?? -1;
  return `${path.basename(file)}:${line}${caret >= 0 ? `:${caret + 1}` : ''}`;
}
