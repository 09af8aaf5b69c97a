// Why a byte array is not a WASI preview 1 module we can run, as a code callers can branch on
// (the CLI picks an exit status, the editor a hint) plus a sentence a user can act on.

export type WasmFormatReason =
  /** Not WebAssembly at all: empty, a native executable, source text, ... */
  | 'not-wasm'
  /** A component-model binary (WASI preview 2): same magic, different layer. */
  | 'component'
  /** The wasm magic with a core-module version we do not know. */
  | 'unsupported-version'
  /** The bytes end before a section, a vector or a number does. */
  | 'truncated'
  /** Structurally wrong: bad section order, bad LEB128, unknown opcode or type... */
  | 'malformed';

export class WasmFormatError extends Error {
  override readonly name = 'WasmFormatError';

  constructor(
    readonly reason: WasmFormatReason,
    message: string,
    /** File offset where the problem was detected, when there is one. */
    readonly offset?: number,
    /** The section being read ('type', 'code', 'custom "name"', ...), when there is one. */
    readonly section?: string,
  ) {
    super(message);
  }
}

/** `0x1a2b`: offsets in messages are hexadecimal so they match hexdump and wasm-objdump output. */
export function hexOffset(offset: number): string {
  return '0x' + offset.toString(16);
}
