// The package's library entry, `import { runWasi, runReactor } from 'wasip1-vscode'`: the WASI
// host alone, for embedders, nothing of the editor. scripts/build.mjs bundles it into dist/lib.mjs
// (an ES module); its declarations, types/wasip1.d.ts, are checked against these types by
// test/unit/cli/library.test.ts.
export { runWasi, runReactor } from './wasi/runner/runWasi';
export type {
  ExportSummary,
  HostModuleSource,
  ListeningAddress,
  OutputOption,
  RunOptions,
  RunResult,
  RunningGuest,
  RunningReactor,
  StdinOption,
  TcpListenAddress,
  WasmValue,
} from './wasi/runner/runWasi';
export type { Preopen } from './wasi/host';
