// The `launch` attributes of a wasip1 debug configuration, and how they become what the guest sees.
//
// Working directory and files, the way Go developers expect them: Go on wasip1 resolves relative
// paths against $PWD and maps them onto the preopen with the longest matching prefix. So by default
// the working directory (`cwd`, else the program's directory) is preopened at its own absolute path
// and PWD is set to it: `os.ReadFile("data.txt")` reads <cwd>/data.txt, absolute paths inside cwd
// work unchanged, and nothing outside cwd is reachable. `dirs` replaces that default with an explicit list,
// each "HOST" (visible at the same path) or "HOST::GUEST" as with `wasip1 run --dir`; `["/"]` gives
// the whole file system, as Go's own go_wasip1_wasm_exec script does. The environment is exactly
// `env` plus PWD: nothing of the editor's environment leaks into the guest.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { Preopen } from '../wasi/host';
import type { ImportsAttribute } from './launchHostModules';

export interface Wasip1LaunchArguments {
  /** A Go main package directory, a .go file of one, or a prebuilt .wasm module. */
  program: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  dirs?: string[];
  buildFlags?: string[] | string;
  buildTags?: string[] | string;
  /** Where the built .wasm goes; default: a per-program file in the OS temp directory. */
  output?: string;
  stopOnEntry?: boolean;
  /** Log every host call (decoded arguments, errno, duration) and a per-function summary. */
  trace?: boolean | string;
  /** Listening TCP sockets preopened for the guest, "HOST:PORT" each, after the directories (as `wasip1 run --tcplisten`). */
  tcplisten?: string[];
  noDebug?: boolean;
  /** `test`: `program` is a package whose test binary (go test -c) is built and run; `args` go to it (`-test.run`, `-test.v`). */
  mode?: 'debug' | 'test';
  /** Which packages a debug build leaves unoptimised: the main module's (default), or all of them, the standard library included. */
  debugBuild?: 'module' | 'all';
  /** Host modules for the program's own //go:wasmimport modules: `{ "env": "./env.mjs" }` or `["env=./env.mjs"]`. */
  imports?: ImportsAttribute;
  /** Where the program's stdio goes: the Debug Console (its input line is stdin), or a terminal the client opens (runInTerminal). */
  console?: 'debugConsole' | 'integratedTerminal' | 'externalTerminal';
  /** The `go` to build with (the extension passes wasip1.goPath / go.alternateTools here). */
  goPath?: string;
  /** vscode-go's go.goroot, passed on by the extension. */
  goroot?: string;
  /** vscode-go's go.alternateTools.go: a command name or path. */
  goAlternateTool?: string;
  /** Environment for go itself (vscode-go's go.toolsEnvVars), not for the program. */
  goEnv?: Record<string, string>;
}

export interface GuestSetup {
  argv: string[];
  env: Record<string, string>;
  preopens: Preopen[];
  /** The guest's PWD. */
  workingDirectory: string;
}

/** The directory a relative program, cwd and dirs are resolved from, and the default cwd. */
export function programDirectory(program: string): string {
  const absolute = path.resolve(program);
  try {
    if (statSync(absolute).isDirectory()) return absolute;
  } catch {
    // An import path or a missing file: go build will say what is wrong with it.
  }
  return path.dirname(absolute);
}

/** A host path as the guest names it: the same path on POSIX, `/c/Users/…` for a Windows drive path. */
export function guestPathOf(hostPath: string): string {
  const drive = /^([A-Za-z]):[\\/]?(.*)$/.exec(hostPath);
  if (drive) return `/${drive[1].toLowerCase()}/${drive[2].replace(/\\/g, '/')}`.replace(/\/+$/, '') || '/';
  return hostPath;
}

/** The host directory the program runs in: `cwd`, else the program's directory. */
export function workingDirectoryOf(launch: Wasip1LaunchArguments): string {
  return path.resolve(launch.cwd ?? programDirectory(launch.program));
}

export function guestSetup(launch: Wasip1LaunchArguments, wasmPath: string): GuestSetup {
  const cwd = workingDirectoryOf(launch);
  const workingDirectory = guestPathOf(cwd);
  const preopens: Preopen[] = launch.dirs?.length
    ? launch.dirs.map((entry) => {
        const split = entry.indexOf('::');
        const host = path.resolve(cwd, split >= 0 ? entry.slice(0, split) : entry);
        return { hostPath: host, guestPath: split >= 0 ? entry.slice(split + 2) : guestPathOf(host) };
      })
    : [{ hostPath: cwd, guestPath: workingDirectory }];
  const env: Record<string, string> = { PWD: workingDirectory, ...launch.env };
  return { argv: [wasmPath, ...(launch.args ?? [])], env, preopens, workingDirectory };
}

/** buildFlags/buildTags may be given as one string, as vscode-go accepts them. */
export function asList(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}
