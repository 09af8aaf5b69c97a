#!/usr/bin/env node
// Runs a module the way the editor's Run button does: the debug adapter's runtime (Wasip1Runtime)
// with noDebug, its guest in the debugger's worker thread, stdio crossing the runtime's rings.
// It takes the same arguments as `wasip1 run`:
//   node bench/editorRunner.mjs RUNTIME.cjs [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--tcplisten HOST:PORT]... [--] MODULE.wasm [ARGS...]
// RUNTIME.cjs is src/debug/wasip1Runtime.ts bundled by bench/run.mjs (the adapter itself is a
// DAP program, not a library). In the editor the runtime lives in the already running extension
// host and hands output to a terminal; here it is a fresh node whose stdio are the harness's
// pipes, so a row also pays node's own start-up, as the CLI's row does.
import { writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRunnerArguments } from './runnerArguments.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

let runtimeBundle;
let options;
try {
  [runtimeBundle] = process.argv.slice(2);
  if (!runtimeBundle) throw new Error('no runtime bundle given');
  options = parseRunnerArguments(process.argv.slice(3));
} catch (error) {
  process.stderr.write(`editorRunner: ${error.message}\n`);
  process.exit(64);
}

const { Wasip1Runtime } = createRequire(import.meta.url)(resolve(runtimeBundle));
// Up to here is what the extension host has done before a user presses Run: bench/run.mjs counts
// the row from here. It takes this CPU time off GNU time's figure for the whole process tree, and
// takes the wall time from here to the guest's end (all its output delivered), measured below: the
// harness's own clock would also count this process's exec and node's start before its clock.
const loadedCpu = process.cpuUsage();
const runStarted = performance.now();
if (process.env.BENCH_EDITOR_LOADED) {
  const file = process.env.BENCH_EDITOR_LOADED;
  const cpuSeconds = (loadedCpu.user + loadedCpu.system) / 1e6;
  let runSeconds;
  process.on('exit', () => writeFileSync(file, JSON.stringify({ cpuSeconds, runSeconds })));
  process.on('wasip1-bench-ended', () => (runSeconds = (performance.now() - runStarted) / 1000));
}
const launch = {
  program: resolve(options.module),
  args: options.args.slice(1),
  env: options.env,
  dirs: Object.entries(options.preopens).map(([guest, host]) => `${resolve(host)}::${guest}`),
  tcplisten: options.tcplisten,
  // As the Run button launches: prepare() picks the guest's process (or worker) from it.
  noDebug: true,
};
// The harness's pipe (or /dev/null) as stdin: read by the guest's process itself, as an embedder's file or pipe is.
const runtime = new Wasip1Runtime({ workerScript: join(repo, 'dist', 'debugWorkerThread.js'), stdinFd: 0 });
const prepared = await runtime.prepare(launch);
if (!prepared.ok) {
  process.stderr.write(`editorRunner: ${prepared.message}\n`);
  process.exit(65);
}
runtime.on('output', (category, text) => {
  if (category !== 'console') process.stderr.write(text);
});
runtime.on('ended', (end) => {
  process.emit('wasip1-bench-ended');
  if (end.kind === 'exit') process.exitCode = end.code;
  else {
    process.stderr.write(`editorRunner: the guest ended: ${JSON.stringify(end)}\n`);
    process.exitCode = 70;
  }
});
runtime.start(launch, prepared, {
  noDebug: true,
  // As the terminal gets them: bytes, in order, as the runtime delivers them.
  stdio: (stream, bytes) => writeBlocking(stream === 'stdout' ? 1 : 2, bytes),
});

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes everything, waiting while the pipe is full, as a full terminal socket would make the
 * runtime wait. The descriptor may be non-blocking: node makes a pipe so once process.stdout is
 * touched (a worker's stdio forwarding does).
 */
function writeBlocking(fd, bytes) {
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
