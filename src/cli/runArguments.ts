// Parses `wasip1 run` arguments, modelled on `wasmtime run`:
//   wasip1 run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--] MODULE.wasm [ARGS...]

export interface RunArguments {
  module: string;
  /** argv for the guest; the first is the module path, as wasmtime passes it. */
  args: string[];
  env: Record<string, string>;
  preopens: { hostPath: string; guestPath: string }[];
  stackSizeMb?: number;
}

export class UsageError extends Error {}

/** Flags that take a value, as `--flag value` or `--flag=value`. */
const valued = new Set(['--dir', '--env', '--stack-size']);

export function parseRunArguments(argv: readonly string[], hostEnv: NodeJS.ProcessEnv): RunArguments {
  const env: Record<string, string> = {};
  const preopens: RunArguments['preopens'] = [];
  let stackSizeMb: number | undefined;
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
    }
  }
  const module = argv[i];
  if (module === undefined) throw new UsageError('no module given');
  return { module, args: [module, ...argv.slice(i + 1)], env, preopens, stackSizeMb };
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
  --stack-size MIB      Wasm stack size in MiB (default 16; Go needs a deep stack).
  -h, --help            Show this help.

Exit status: the module's own exit code; otherwise
  64 bad command line      65 not a valid WASI preview 1 module
  66 module not readable   69 imports that nothing supplies
  70 host failure          134 the module trapped (the trap is named on stderr)
  130 interrupted
`;
