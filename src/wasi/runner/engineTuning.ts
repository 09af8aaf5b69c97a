// V8 settings for running Go's wasm, applied by processes that own their V8 (the CLI), never by the
// editor's extension host, where they would change every other extension's wasm too.
import { setFlagsFromString } from 'node:v8';

/**
 * How much code (V8 counts roughly in bytes executed) a wasm function runs in the baseline compiler
 * before it is recompiled with the optimizing one. V8's default (1.8 M) suits small modules; Go's
 * runtime runs hundreds of large functions once or a few times at start-up (schedinit, package
 * initialisers, the allocator's slow paths), and at that budget all of them are recompiled on the
 * other core while the program runs. 20x the default: the short programs of the bench lost 15–20%
 * of their time to those compilations (startup 98 → 83 ms, metadata 318 → 266 ms), while a
 * CPU-bound loop still tiers up within milliseconds (the cpu program is unchanged at ~0.94 s).
 */
const WASM_TIERING_BUDGET = 36_000_000;

/** V8 majors known to have --wasm-tiering-budget (Node 18 to 24); others are left untouched, since an unknown flag prints an error. */
const MIN_V8 = 10;
const MAX_V8 = 13;

export function tuneWasmEngine(v8Version: string = process.versions.v8): boolean {
  const major = Number.parseInt(v8Version, 10);
  if (!(major >= MIN_V8 && major <= MAX_V8)) return false;
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  return true;
}
