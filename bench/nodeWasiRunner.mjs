#!/usr/bin/env node
// Runs a WASI preview 1 module in Node's built-in node:wasi, taking the same arguments as
// `wasip1 run`, so the benchmark and the std-test comparison can swap hosts without changing
// anything else:
//   node bench/nodeWasiRunner.mjs [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--] MODULE.wasm [ARGS...]
// It is the baseline our host is compared with, so it deliberately adds nothing node:wasi lacks.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

function parse(argv) {
  const preopens = {};
  const env = {};
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
    } else {
      throw new Error(`unknown option ${arg}`);
    }
  }
  const [module, ...rest] = argv.slice(i);
  if (!module) throw new Error('no module given');
  return { module, args: [module, ...rest], env, preopens };
}

let options;
try {
  options = parse(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`nodeWasiRunner: ${error.message}\n`);
  process.exit(64);
}

// node:wasi prints an ExperimentalWarning on first use; it would pollute the guest's stderr.
process.removeAllListeners('warning');

const wasi = new WASI({
  version: 'preview1',
  args: options.args,
  env: options.env,
  preopens: options.preopens,
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(options.module));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const code = wasi.start(instance);
process.exitCode = code;
