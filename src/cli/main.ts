// The `wasip1` command: runs WASI preview 1 modules in the embedded host, outside the editor.
import { readFileSync } from 'node:fs';
import { ExitStatus } from './exitStatus';
import { parseRunArguments, runUsage, UsageError } from './runArguments';
import { prepareGuestModule, GuestModuleError } from '../wasi/guestModule';
import { formatWasmValue } from '../wasi/reactor';
import { checkPreopen, signaturesOf } from '../wasi/runner/guestSession';
import { tuneWasmEngine } from '../wasi/runner/engineTuning';
import { formatTcpListenAddress } from '../wasi/runner/tcpListenAddress';
import { stackSizeFlagKib, ThisThreadRun } from '../wasi/runner/runInThisThread';
import type { ListeningAddress, RunResult } from '../wasi/runner/runWasi';
import { guestModeFor } from '../wasi/runner/workerProtocol';

const mainUsage = `Usage: wasip1 <command> [ARGS...]

Commands:
  run     Run a WASI preview 1 module (see: wasip1 run --help)

With GOOS=wasip1 GOARCH=wasm, "go run" and "go test" use this host when the
go_wasip1_wasm_exec script shipped beside this command is on PATH.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(mainUsage);
    return command === undefined ? ExitStatus.usage : 0;
  }
  if (command !== 'run') {
    process.stderr.write(`wasip1: unknown command "${command}"\n\n${mainUsage}`);
    return ExitStatus.usage;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    const moduleIndex = rest.findIndex((a) => !a.startsWith('-'));
    const helpIndex = rest.findIndex((a) => a === '-h' || a === '--help');
    if (moduleIndex < 0 || helpIndex < moduleIndex) {
      process.stdout.write(runUsage);
      return 0;
    }
  }
  let options;
  try {
    options = parseRunArguments(rest, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`wasip1 run: ${error.message}\n\n${runUsage}`);
    return ExitStatus.usage;
  }

  // Before anything is compiled: the flag is read when V8 sets up the module's code.
  await tuneWasmEngine();
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(options.module);
  } catch (error) {
    process.stderr.write(`wasip1: cannot read ${options.module}: ${(error as Error).message}\n`);
    return ExitStatus.noInput;
  }
  const hostModules = options.importModules.map((m) => m.module);
  const mode = guestModeFor(options.invoke);
  const preparation = { hostModules, interfaceOnly: true, entry: options.invoke ? 'export' : 'command' } as const;
  const inThisThread =
    options.tcpListen.length === 0 && options.stackSizeMb === undefined && process.env.WASIP1_IN_WORKER !== '1'
      ? ThisThreadRun.prepare({ args: options.args, env: options.env, preopens: options.preopens, importModules: options.importModules, mode })
      : undefined;
  if (inThisThread instanceof ThisThreadRun) {
    try {
      for (const preopen of options.preopens) checkPreopen(preopen);
      const { module, parsed } = await prepareGuestModule(bytes, options.module, {}, preparation);
      return exitStatusOf(await inThisThread.run({ module, ...signaturesOf(parsed) }), options.module, mainThreadStackMb());
    } catch (error) {
      if (!(error instanceof GuestModuleError)) return exitStatusOf({ kind: 'error', message: (error as Error).message }, options.module);
      return reportModuleProblem(error);
    }
  }

  // Loaded only now: the worker and its stdio pumps bring node:worker_threads, node:net and
  // node:stream, a few milliseconds of start-up the in-thread run does without.
  const { runWasi } = await import('../wasi/runner/runWasi');
  // The worker thread starts first and boots (~20 ms) while the module is parsed and compiled
  // here, a microtask later. With host modules, the import check runs once they are loaded (in the
  // guest's worker).
  const preparing = Promise.resolve().then(() => prepareGuestModule(bytes, options.module, {}, preparation));
  const guest = runWasi({
    module: preparing,
    importModules: options.importModules,
    invoke: options.invoke,
    tcpListen: options.tcpListen,
    args: options.args,
    env: options.env,
    preopens: options.preopens,
    stdin: 'inherit',
    stdout: 'inherit',
    stderr: 'inherit',
    stackSizeMb: options.stackSizeMb,
  });
  try {
    await preparing;
  } catch (error) {
    guest.stop();
    await guest.done;
    if (!(error instanceof GuestModuleError)) throw error;
    return reportModuleProblem(error);
  }
  announcePickedPorts(guest.listening, options.tcpListen.map((a) => a.port), options.preopens.length);
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    guest.stop();
  });
  const result = await guest.done;
  return interrupted ? ExitStatus.interrupted : exitStatusOf(result, options.module, options.stackSizeMb);
}

/**
 * `--tcplisten HOST:0` lets the system pick the port, which the guest cannot learn (preview 1 has no
 * getsockname) and the user needs in order to connect: one line on stderr per such socket, with its
 * fd. Nothing is printed for ports given in full, so scripted runs see only the guest's output.
 */
function announcePickedPorts(listening: Promise<readonly ListeningAddress[]>, requested: readonly number[], preopens: number): void {
  listening.then(
    (bound) => {
      bound.forEach((address, i) => {
        if (requested[i] !== 0) return;
        process.stderr.write(`wasip1: fd ${3 + preopens + i} listens on ${formatTcpListenAddress(address.host, address.port)}\n`);
      });
    },
    () => undefined, // a bind failure is reported with the run's outcome
  );
}

/** One line for a module that cannot run (not wasm, malformed, imports nobody supplies) and its exit status. */
function reportModuleProblem(error: GuestModuleError): number {
  process.stderr.write(`wasip1: ${error.message}\n`);
  switch (error.reason) {
    case 'imports':
      return ExitStatus.unsatisfiedImports;
    case 'reactor':
      return ExitStatus.usage;
    default:
      return ExitStatus.badModule;
  }
}

/** The guest's stack on this thread: what bin/wasip1 gave node with --stack-size, in MiB. */
function mainThreadStackMb(): number | undefined {
  const kib = stackSizeFlagKib(process.execArgv);
  return kib === undefined ? undefined : Math.round(kib / 1024);
}

/** `stackMb`: the stack the guest had, when known, for the advice after a stack overflow. */
function exitStatusOf(result: RunResult, module: string, stackMb?: number): number {
  switch (result.kind) {
    case 'exit':
      // --invoke: one line per result, as wasmtime prints them.
      for (const value of result.results ?? []) process.stdout.write(`${formatWasmValue(value)}\n`);
      return result.code;
    case 'trap': {
      const where = result.functions.length ? ` in ${result.functions[0]}` : '';
      const advice =
        result.trapKind === 'stack-overflow'
          ? ` (${stackMb === undefined ? 'for a deeper stack' : `it had ${stackMb} MiB of stack; for more`}, run it with --stack-size MIB)`
          : '';
      process.stderr.write(`wasip1: ${module} trapped (${result.trapKind}): ${result.detail}${where}${advice}\n`);
      return ExitStatus.trap;
    }
    case 'stopped':
      return ExitStatus.interrupted;
    case 'error':
      process.stderr.write(`wasip1: ${result.message}\n`);
      switch (result.reason) {
        case 'imports':
        case 'host-module':
        case 'listen':
          return ExitStatus.unsatisfiedImports;
        case 'invoke':
          return ExitStatus.usage;
        default:
          return ExitStatus.internal;
      }
  }
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`wasip1: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitStatus.internal;
  },
);
