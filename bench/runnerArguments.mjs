// The command line every benchmark runner takes, the same as `wasip1 run`'s:
//   [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--tcplisten HOST:PORT]... [--] MODULE.wasm [ARGS...]
// so the harness can swap hosts without changing anything else.

/** @returns {{ module: string, args: string[], env: Record<string, string>, preopens: Record<string, string>, tcplisten: string[] }} preopens: guest path → host path */
export function parseRunnerArguments(argv) {
  const preopens = {};
  const env = {};
  const tcplisten = [];
  let i = 0;
  for (; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('--')) break;
    let value;
    const eq = arg.indexOf('=');
    if (eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    } else {
      value = argv[++i];
    }
    if (value === undefined) throw new Error(`${arg} needs a value`);
    if (arg === '--dir') {
      const split = value.indexOf('::');
      preopens[split >= 0 ? value.slice(split + 2) : value] = split >= 0 ? value.slice(0, split) : value;
    } else if (arg === '--env') {
      const split = value.indexOf('=');
      // NAME alone inherits the value, as wasmtime and `wasip1 run` do.
      if (split < 0) {
        if (process.env[value] !== undefined) env[value] = process.env[value];
      } else {
        env[value.slice(0, split)] = value.slice(split + 1);
      }
    } else if (arg === '--tcplisten') {
      tcplisten.push(value);
    } else {
      throw new Error(`unknown option ${arg}`);
    }
  }
  const [module, ...rest] = argv.slice(i);
  if (!module) throw new Error('no module given');
  return { module, args: [module, ...rest], env, preopens, tcplisten };
}
