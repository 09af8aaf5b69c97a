// Parses `wasip1 run` arguments, modelled on `wasmtime run`:
//   wasip1 run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--import MODULE=FILE.mjs]...
//              [--tcplisten HOST:PORT]... [--invoke NAME] [--] MODULE.wasm [ARGS...]
import * as path from 'node:path';
import { parseTcpListenAddress, type TcpListenAddress } from '../wasi/runner/tcpListenAddress';

export interface RunArguments {
  module: string;
  /** argv for the guest; the first is the module path, as wasmtime passes it. */
  args: string[];
  env: Record<string, string>;
  preopens: { hostPath: string; guestPath: string }[];
  stackSizeMb?: number;
  /** Host module files for non-WASI import modules. */
  importModules: { module: string; file: string }[];
  /** With --invoke: the export to call; the ARGS after the module are its arguments, not argv. */
  invoke?: { name: string; args: string[] };
  tcpListen: TcpListenAddress[];
}

export class UsageError extends Error {}

/** Flags that take a value, as `--flag value` or `--flag=value`. */
const valued = new Set(['--dir', '--env', '--stack-size', '--import', '--invoke', '--tcplisten']);

/** The host's own import module: a host module cannot replace it. */
const WASI_MODULE_NAME = 'wasi_snapshot_preview1';

export function parseRunArguments(argv: readonly string[], hostEnv: NodeJS.ProcessEnv): RunArguments {
  const env: Record<string, string> = {};
  const preopens: RunArguments['preopens'] = [];
  let stackSizeMb: number | undefined;
  const importModules: RunArguments['importModules'] = [];
  const tcpListen: TcpListenAddress[] = [];
  let invoke: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0 && valued.has(arg.slice(0, eq))) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (!valued.has(arg)) throw new UsageError(`unknown option ${arg}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      value = argv[++i];
    }
    switch (arg) {
      case '--dir': {
        const split = value.indexOf('::');
        const hostPath = split >= 0 ? value.slice(0, split) : value;
        const guestPath = split >= 0 ? value.slice(split + 2) : value;
        if (!hostPath || !guestPath) throw new UsageError(`--dir ${value}: expected HOST or HOST::GUEST`);
        preopens.push({ hostPath, guestPath });
        break;
      }
      case '--env': {
        const split = value.indexOf('=');
        if (split === 0) throw new UsageError(`--env ${value}: the name is empty`);
        if (split > 0) env[value.slice(0, split)] = value.slice(split + 1);
        else if (hostEnv[value] !== undefined) env[value] = hostEnv[value] as string;
        break;
      }
      case '--stack-size': {
        const mb = Number(value);
        if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`--stack-size ${value}: expected a size in MiB`);
        stackSizeMb = mb;
        break;
      }
      case '--import': {
        const split = value.indexOf('=');
        const name = value.slice(0, Math.max(split, 0));
        const file = value.slice(split + 1);
        if (split <= 0 || !file) throw new UsageError(`--import ${value}: expected MODULE=FILE.mjs`);
        if (name === WASI_MODULE_NAME) throw new UsageError(`--import ${value}: ${WASI_MODULE_NAME} is supplied by the host itself`);
        if (importModules.some((m) => m.module === name)) throw new UsageError(`--import ${value}: "${name}" is already supplied by ${importModules.find((m) => m.module === name)?.file}`);
        importModules.push({ module: name, file });
        break;
      }
      case '--invoke': {
        if (!value) throw new UsageError('--invoke needs the name of an exported function');
        invoke = value;
        break;
      }
      case '--tcplisten': {
        try {
          tcpListen.push(parseTcpListenAddress(value));
        } catch (error) {
          throw new UsageError(`--tcplisten ${(error as Error).message}`);
        }
        break;
      }
    }
  }
  const module = argv[i];
  if (module === undefined) throw new UsageError('no module given');
  for (const entry of importsFromEnvironment(hostEnv)) {
    if (!importModules.some((m) => m.module === entry.module)) importModules.push(entry);
  }
  const rest = argv.slice(i + 1);
  return {
    module,
    args: invoke === undefined ? [module, ...rest] : [module],
    env,
    preopens,
    stackSizeMb,
    importModules,
    invoke: invoke === undefined ? undefined : { name: invoke, args: rest },
    tcpListen,
  };
}

/**
 * WASIP1_IMPORT: `MODULE=FILE` entries separated like PATH, for runs started by others (`go run`
 * and `go test` through go_wasip1_wasm_exec) where no --import can be given. --import wins.
 */
function importsFromEnvironment(hostEnv: NodeJS.ProcessEnv): RunArguments['importModules'] {
  const value = hostEnv.WASIP1_IMPORT;
  if (!value) return [];
  return value
    .split(path.delimiter)
    .filter(Boolean)
    .map((entry) => {
      const split = entry.indexOf('=');
      if (split <= 0 || split === entry.length - 1) throw new UsageError(`WASIP1_IMPORT: "${entry}" is not MODULE=FILE.mjs`);
      return { module: entry.slice(0, split), file: entry.slice(split + 1) };
    });
}

export const runUsage = `Usage: wasip1 run [OPTIONS] [--] MODULE.wasm [ARGS...]

Runs a WASI preview 1 command module (such as a Go program built with
GOOS=wasip1 GOARCH=wasm) in the embedded host and exits with its exit code.
Nothing of the host is visible to the module unless given below.

Options:
  --dir HOST[::GUEST]   Preopen the host directory HOST, visible to the module as
                        GUEST (default: the same path). Repeatable. The module
                        reaches nothing outside its preopens: not through "..",
                        absolute paths or symbolic links.
  --env NAME=VALUE      Set an environment variable for the module. Repeatable.
  --env NAME            Pass the host's value of NAME, if it is set.
  --stack-size MIB      Run the module in a worker thread with this much stack
                        (default: 16 MiB, on the main thread when wasip1 is
                        started as a command, else in a worker). Go needs a
                        deep stack: raise it when a module traps with
                        "call stack exhausted".
  --import MODULE=FILE  Supply the import module MODULE (a //go:wasmimport module
                        of your own) from the ES module FILE, whose default export
                        is (host) => ({ name(...args) { ... } }); see
                        types/wasip1-host.d.ts. Repeatable.
                        WASIP1_IMPORT=MODULE=FILE[:MODULE=FILE...] in the
                        environment does the same (for go run and go test).
  --invoke NAME         Call the export NAME of a reactor (Go: -buildmode=c-shared,
                        //go:wasmexport) after _initialize, instead of running
                        _start. ARGS are its arguments, parsed by its wasm
                        signature (i32, i64, f32, f64); the results are printed,
                        one per line. A reactor run without --invoke is
                        refused with the list of its exports.
  --tcplisten HOST:PORT Preopen a listening TCP socket for the module (Go:
                        net.FileListener(os.NewFile(3, ""))). Repeatable; sockets
                        take the fds after the --dir preopens. With port 0 the
                        system picks one, printed on stderr.
  -h, --help            Show this help.

Exit status: the module's own exit code; otherwise
  64 bad command line or --invoke   65 not a WASI preview 1 command (or
                                       reactor, with --invoke)
  66 module not readable            69 imports nothing supplies, a host module
                                       that cannot be loaded, or a socket that
                                       cannot be bound
  70 host failure                   134 the module trapped (the trap is named on
                                        stderr, a throwing host function too)
  130 interrupted
`;
