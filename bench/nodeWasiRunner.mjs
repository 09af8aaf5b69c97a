#!/usr/bin/env node
// Runs a WASI preview 1 module in Node's built-in node:wasi, taking the same arguments as
// `wasip1 run`, so the benchmark and the std-test comparison can swap hosts without changing
// anything else:
//   node bench/nodeWasiRunner.mjs [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--] MODULE.wasm [ARGS...]
// It is the baseline our host is compared with, so it deliberately adds nothing node:wasi lacks.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { parseRunnerArguments } from './runnerArguments.mjs';

let options;
try {
  options = parseRunnerArguments(process.argv.slice(2));
  if (options.tcplisten.length) throw new Error('node:wasi has no preopened sockets (--tcplisten)');
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
