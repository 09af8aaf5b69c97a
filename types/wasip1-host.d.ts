// Types for host modules: ES modules that supply the functions of a non-WASI import module to a
// wasm guest run by wasip1 (`wasip1 run --import MODULE=FILE.mjs`, the debug configuration's
// `imports`, or runWasi's `importModules`). Host functions run on the guest's own thread, and the
// guest waits for their result: they are synchronous.
//
// A host module's default export is a function that receives the Host and returns the functions,
// one per wasm import name, each declaring exactly one parameter per wasm parameter:
//
//   // greeter.mjs, for `//go:wasmimport greeter greet` on `func greet(name unsafe.Pointer, size uint32) uint32`
//   /** @type {import('wasip1-vscode/types/wasip1-host').HostModule} */
//   export default (host) => ({
//     greet(pointer, size) {
//       const name = host.memory.string(pointer, size);
//       host.stdout.write(`Hello, ${name}!\n`);
//       return host.errno.SUCCESS;
//     },
//   });

/** A wasm value as JavaScript sees it: i32, f32 and f64 are numbers, i64 is a bigint. */
export type WasmValue = number | bigint;

/**
 * A function the guest imports. Arguments arrive as wasm passes them (i32 as a signed number,
 * i64 as a bigint; pointers are i32, read them with `>>> 0` or the memory accessors, which accept
 * them as they come). Return what the wasm signature returns: a number, a bigint (a number is
 * accepted for i64), nothing for a function without results, or an array for several results.
 * Throwing ends the guest with a trap that names this function; use `host.exit` to end it normally.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HostFunction = (...args: any[]) => WasmValue | boolean | void | readonly WasmValue[];

/** The functions a host module supplies, by wasm import name. */
export type HostFunctions = Readonly<Record<string, HostFunction>>;

/**
 * A host module's default export. Called once per run, before the guest is instantiated (so the
 * guest's exports are not available here, only inside host functions). May be async.
 */
export type HostModule = (host: Host) => HostFunctions | Promise<HostFunctions>;

/** What a host module can reach of the guest and of the host. */
export interface Host {
  /** The import module name this host module supplies, e.g. "env". */
  readonly module: string;
  /** The guest's linear memory (its export "memory"). */
  readonly memory: GuestMemoryAccess;
  /**
   * The guest's exports (functions, and the memory), available once the guest is instantiated:
   * inside host functions. For a Go reactor, exported functions (//go:wasmexport) are callable
   * once `_initialize` has run.
   */
  readonly exports: WebAssembly.Exports;
  /** WASI errno values by name (`host.errno.NOENT === 44`), for functions that return an errno. */
  readonly errno: ErrnoValues;
  /** The guest's argv (args[0] is the program name). */
  readonly args: readonly string[];
  /** The guest's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The guest's stdout and stderr: text written here appears in order with the guest's own output. */
  readonly stdout: HostOutput;
  readonly stderr: HostOutput;
  /** Ends the guest as if it called proc_exit(code). */
  exit(code: number): never;
}

export interface HostOutput {
  /** Writes text (as UTF-8) or bytes; waits while the reader is slow. */
  write(data: string | Uint8Array): void;
}

/**
 * Little-endian access to the guest's linear memory. Pointers are byte offsets as the guest passes
 * them (a negative i32 is taken as its unsigned value). An access outside memory throws a
 * RangeError, which traps the guest naming the host function.
 */
export interface GuestMemoryAccess {
  /** Current size in bytes (grows when the guest grows its memory). */
  readonly size: number;
  /** A copy of `length` bytes at `pointer`. */
  bytes(pointer: number, length: number): Uint8Array;
  /** A live view of guest bytes, without copying; stale once the guest grows memory, so use it at once. */
  view(pointer: number, length: number): Uint8Array;
  /** Copies bytes into guest memory. */
  write(pointer: number, bytes: Uint8Array): void;
  /** Decodes `length` bytes of UTF-8 (invalid sequences become U+FFFD). */
  string(pointer: number, length: number): string;
  /**
   * Encodes text as UTF-8 at `pointer`, at most `capacity` bytes (default: all of it), never
   * splitting a character. Returns the number of bytes written.
   */
  writeString(pointer: number, text: string, capacity?: number): number;
  /** The UTF-8 length of text in bytes. */
  utf8Length(text: string): number;

  u8(pointer: number): number;
  u16(pointer: number): number;
  u32(pointer: number): number;
  u64(pointer: number): bigint;
  i8(pointer: number): number;
  i16(pointer: number): number;
  i32(pointer: number): number;
  i64(pointer: number): bigint;
  f32(pointer: number): number;
  f64(pointer: number): number;

  setU8(pointer: number, value: number): void;
  setU16(pointer: number, value: number): void;
  setU32(pointer: number, value: number): void;
  setU64(pointer: number, value: bigint | number): void;
  setI8(pointer: number, value: number): void;
  setI16(pointer: number, value: number): void;
  setI32(pointer: number, value: number): void;
  setI64(pointer: number, value: bigint | number): void;
  setF32(pointer: number, value: number): void;
  setF64(pointer: number, value: number): void;
}

export type ErrnoName =
  | 'SUCCESS' | '2BIG' | 'ACCES' | 'ADDRINUSE' | 'ADDRNOTAVAIL' | 'AFNOSUPPORT' | 'AGAIN' | 'ALREADY'
  | 'BADF' | 'BADMSG' | 'BUSY' | 'CANCELED' | 'CHILD' | 'CONNABORTED' | 'CONNREFUSED' | 'CONNRESET'
  | 'DEADLK' | 'DESTADDRREQ' | 'DOM' | 'DQUOT' | 'EXIST' | 'FAULT' | 'FBIG' | 'HOSTUNREACH' | 'IDRM'
  | 'ILSEQ' | 'INPROGRESS' | 'INTR' | 'INVAL' | 'IO' | 'ISCONN' | 'ISDIR' | 'LOOP' | 'MFILE' | 'MLINK'
  | 'MSGSIZE' | 'MULTIHOP' | 'NAMETOOLONG' | 'NETDOWN' | 'NETRESET' | 'NETUNREACH' | 'NFILE' | 'NOBUFS'
  | 'NODEV' | 'NOENT' | 'NOEXEC' | 'NOLCK' | 'NOLINK' | 'NOMEM' | 'NOMSG' | 'NOPROTOOPT' | 'NOSPC'
  | 'NOSYS' | 'NOTCONN' | 'NOTDIR' | 'NOTEMPTY' | 'NOTRECOVERABLE' | 'NOTSOCK' | 'NOTSUP' | 'NOTTY'
  | 'NXIO' | 'OVERFLOW' | 'OWNERDEAD' | 'PERM' | 'PIPE' | 'PROTO' | 'PROTONOSUPPORT' | 'PROTOTYPE'
  | 'RANGE' | 'ROFS' | 'SPIPE' | 'SRCH' | 'STALE' | 'TIMEDOUT' | 'TXTBSY' | 'XDEV' | 'NOTCAPABLE';

/** WASI preview 1 errno values, as the witx `errno` enum numbers them. */
export type ErrnoValues = { readonly [Name in ErrnoName]: number };
