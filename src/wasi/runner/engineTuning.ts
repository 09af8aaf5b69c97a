// V8 settings for running Go's wasm, applied by processes that own their V8 (the CLI), never by the
// editor's extension host, where they would change every other extension's wasm too.

/**
 * How much code (V8 counts roughly in bytes executed) a wasm function runs in the baseline compiler
 * before it is recompiled with the optimizing one. V8's default (1.8 M) suits small modules; Go's
 * runtime runs hundreds of large functions once or a few times at start-up (schedinit, package
 * initialisers, the allocator's slow paths), and at that budget all of them are recompiled on the
 * other core while the program runs. 20x the default: the short programs of the bench lost 15–20%
 * of their time to those compilations (startup 96 → 81 ms, metadata 318 → 266 ms), while a
 * CPU-bound loop still tiers up within milliseconds (the cpu program is unchanged at ~0.94 s).
 *
 * `bin/wasip1` passes this flag on node's command line, where it costs nothing; setting it from
 * code needs node:v8, whose loading (it brings node:stream) costs ~5 ms of start-up.
 */
export const WASM_TIERING_FLAG = '--wasm-tiering-budget=36000000';

/** V8 majors known to have the flag (Node 18 to 24); others are left untouched, since an unknown flag prints an error. */
const MIN_V8 = 10;
const MAX_V8 = 13;

/** The flag when this V8 is known to take it, for the command line of a node started to run a guest. */
export function wasmTuningArguments(v8Version: string = process.versions.v8): string[] {
  const major = Number.parseInt(v8Version, 10);
  return major >= MIN_V8 && major <= MAX_V8 ? [WASM_TIERING_FLAG] : [];
}

/**
 * Applies the flag unless node was started with it. Returns how it stands: 'command line',
 * 'applied', or 'unknown V8' when this V8's flags are not known to include it.
 */
export async function tuneWasmEngine(
  execArgv: readonly string[] = process.execArgv, v8Version: string = process.versions.v8,
): Promise<'command line' | 'applied' | 'unknown V8'> {
  if (execArgv.some((arg) => arg.startsWith('--wasm-tiering-budget'))) return 'command line';
  if (!wasmTuningArguments(v8Version).length) return 'unknown V8';
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString(WASM_TIERING_FLAG);
  return 'applied';
}
