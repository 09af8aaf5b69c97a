// Exit statuses of the wasip1 CLI for failures of its own; a guest's own exit code passes through.
// Distinct values let scripts (and go test) tell a host problem from a program's failure.
export const ExitStatus = {
  /** Bad command line (sysexits EX_USAGE). */
  usage: 64,
  /** The module is not wasm, is truncated, or is of another WASI version (EX_DATAERR). */
  badModule: 65,
  /** The module file cannot be read (EX_NOINPUT). */
  noInput: 66,
  /** The module imports functions nothing supplies (EX_UNAVAILABLE). */
  unsatisfiedImports: 69,
  /** A fault of the host itself (EX_SOFTWARE). */
  internal: 70,
  /** The guest trapped: unreachable, out-of-bounds access, stack overflow. 128+SIGABRT, as wasmtime. */
  trap: 134,
  /** Stopped by SIGINT. */
  interrupted: 130,
} as const;
