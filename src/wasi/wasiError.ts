// Control flow shared by every host function family.

/** Thrown inside a host function to answer the guest with an errno. */
export class WasiError extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
  }
}

/** proc_exit unwinds the guest with this; the host catches it and reports the exit code. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`exit status ${code}`);
  }
}
