// The Go call stack at a host call, as the debugger shows it: src/wasm's walker reads Go's own
// stack in linear memory (the wasm call stack V8 shows has no resume points, and loses frames
// whenever Go unwinds it to switch goroutines); here its frames become the adapter's frames.
import type { GoPclntab } from '../wasm/goPclntab';
import { walkGoStack as walkGoStackInMemory } from '../wasm/goStackWalker';
import type { StackFrameInfo } from './debugWorkerProtocol';

const MAX_FRAMES = 200;

/**
 * Frames innermost first, from Go's SP: while the host runs a //go:wasmimport call (0(SP) holds the
 * return address), or at a statement probe, whose PC is given.
 */
export function walkGoStack(view: DataView, sp: number, pclntab: GoPclntab, pc?: number): StackFrameInfo[] {
  return walkGoStackInMemory(pclntab, view, { sp, pc }, MAX_FRAMES).map((frame) => ({
    name: frame.function,
    file: frame.file,
    line: frame.line,
    kind: 'go',
    pc: frame.pc,
    sp: frame.sp,
  }));
}

/** The source position of a function's declaration, for the wasmimport wrapper frame whose PC is unknown. */
export function declarationFrame(name: string, pclntab: GoPclntab | undefined): StackFrameInfo {
  const index = pclntab ? pclntab.funcIndexByName(name) : -1;
  if (!pclntab || index < 0) return { name, kind: 'wasm' };
  const position = pclntab.lookup(pclntab.entryPC(index));
  return { name, kind: 'go', file: position?.file, line: position?.line ?? pclntab.funcStartLine(index) };
}
