// Turns what escaped the guest into one line a person can act on, naming the Go function where
// it stopped. A JS stack is never shown for a guest's fault.

export type TrapKind = 'unreachable' | 'out-of-bounds' | 'stack-overflow' | 'division' | 'conversion' | 'indirect-call' | 'host-function' | 'other';

export class GuestTrap extends Error {
  constructor(
    readonly kind: TrapKind,
    readonly detail: string,
    /** Wasm function names from innermost outward, as V8 reports them from the name section. */
    readonly functions: readonly string[],
  ) {
    super(`wasm trap: ${detail}${functions.length ? ` in ${functions[0]}` : ''}`);
  }
}

const kinds: [RegExp, TrapKind][] = [
  [/unreachable/i, 'unreachable'],
  [/out of bounds|memory access/i, 'out-of-bounds'],
  [/divide by zero|division|remainder by zero/i, 'division'],
  [/float unrepresentable|integer overflow|conversion/i, 'conversion'],
  [/indirect call|table index|null function|signature mismatch/i, 'indirect-call'],
];

/** Wasm frames look like `at main.main (wasm://wasm/0123abcd:wasm-function[42]:0x1f2)`. */
const wasmFrame = /^\s*at (.*?) \(wasm:\/\/wasm\//;

export function wasmFunctionsOnStack(stack: string | undefined): string[] {
  const names: string[] = [];
  for (const line of (stack ?? '').split('\n')) {
    const match = wasmFrame.exec(line);
    if (match) names.push(match[1]);
  }
  return names;
}

/** Classifies an error thrown out of a wasm call; undefined if it is not a guest fault. */
export function classifyGuestFault(error: unknown): GuestTrap | undefined {
  if (error instanceof GuestTrap) return error;
  if (error instanceof WebAssembly.RuntimeError) {
    const kind = kinds.find(([pattern]) => pattern.test(error.message))?.[1] ?? 'other';
    return new GuestTrap(kind, error.message, wasmFunctionsOnStack(error.stack));
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    const frames = wasmFunctionsOnStack(error.stack);
    if (frames.length) return new GuestTrap('stack-overflow', 'call stack exhausted', frames);
  }
  return undefined;
}
