// The `imports` launch attribute: host modules (.mjs files) that supply a Go program's own
// //go:wasmimport modules, the debug configuration's spelling of `wasip1 run --import MODULE=FILE`.
// Either an object, `{ "env": "./env.mjs" }`, or the CLI's list form, `["env=./env.mjs"]`. Relative
// files are resolved against the launch's working directory, like `dirs`.
import * as path from 'node:path';
import type { HostModuleSource } from '../wasi/hostModules';
import { WASI_MODULE } from '../wasi/spec/catalogue';

export type ImportsAttribute = Record<string, string> | string[];

/** An `imports` value that cannot mean anything; the message names the entry. */
export class ImportsAttributeError extends Error {}

export function hostModuleSources(imports: ImportsAttribute | undefined, cwd: string): HostModuleSource[] {
  if (imports === undefined || imports === null) return [];
  const pairs: [string, unknown][] = Array.isArray(imports)
    ? imports.map((entry): [string, unknown] => {
        const text = String(entry);
        const split = text.indexOf('=');
        if (split <= 0) throw new ImportsAttributeError(`"imports" entry ${JSON.stringify(text)}: expected "MODULE=FILE.mjs"`);
        return [text.slice(0, split), text.slice(split + 1)];
      })
    : typeof imports === 'object'
      ? Object.entries(imports)
      : invalid(imports);
  const sources: HostModuleSource[] = [];
  for (const [module, file] of pairs) {
    if (typeof file !== 'string' || !file.trim()) throw new ImportsAttributeError(`"imports": the host module file for "${module}" must be a path to an .mjs file`);
    if (module === WASI_MODULE) throw new ImportsAttributeError(`"imports": ${WASI_MODULE} is supplied by the host itself`);
    const earlier = sources.find((s) => s.module === module);
    if (earlier) throw new ImportsAttributeError(`"imports": "${module}" is supplied twice (${earlier.file} and ${file})`);
    sources.push({ module, file: path.resolve(cwd, file) });
  }
  return sources;
}

function invalid(value: unknown): never {
  throw new ImportsAttributeError(`"imports" must be an object { "MODULE": "FILE.mjs" } or a list of "MODULE=FILE.mjs", not ${JSON.stringify(value)}`);
}
