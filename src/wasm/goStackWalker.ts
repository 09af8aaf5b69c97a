// Walks a paused Go goroutine's stack in linear memory, the way runtime.Callers does on wasm.
//
// Go on wasm keeps its own stack in linear memory; the stack pointer is wasm global 0 (i32)
// (cmd/link/internal/wasm/asm.go writeGlobalSec). A call pushes an 8-byte return address
// PC_F<<16|PC_B at 0(SP) and the callee then lowers SP by its frame size, which the pclntab's
// pcsp table gives for every PC. So a frame's return address sits at SP + frameSize(pc) and
// the caller's SP is 8 above it. A //go:wasmimport wrapper has no frame of its own, so while
// the host is running an import, 0(SP) holds the wrapper's return address.
import type { GoPclntab, GoSourcePosition } from './goPclntab';
import { readWord } from './memoryWords';

/** Index of the wasm global that holds Go's stack pointer. */
export const GO_SP_GLOBAL_INDEX = 0;

export interface GoStackFrame extends GoSourcePosition {
  /** The frame's PC: the current PC for the innermost frame, else the return address. */
  pc: number;
  /** The frame's stack pointer (after its prologue). */
  sp: number;
}

export interface GoStackStart {
  /** Value of Go's SP (wasm global 0). */
  sp: number;
  /**
   * The innermost function's current PC, if known (e.g. at a breakpoint). Without it, 0(SP)
   * must hold a return address, as it does while the host runs a //go:wasmimport function.
   */
  pc?: number;
}

// Frames where a goroutine's (or the system) stack starts: nothing meaningful lies above them.
const STACK_TOPS = new Set(['runtime.goexit', 'runtime.mstart', 'runtime.rt0_go', '_rt0_wasm_wasip1', '_rt0_wasm_wasip1_lib', 'runtime.wasmExportWrapper']);

/** Logical frames innermost first, inlined calls expanded; stops at the goroutine's first frame. */
export function walkGoStack(pclntab: GoPclntab, memory: DataView, start: GoStackStart, maxFrames = 1024): GoStackFrame[] {
  const frames: GoStackFrame[] = [];
  let sp = start.sp;
  let pc: number;
  let isReturnAddress: boolean;
  if (start.pc !== undefined) {
    pc = start.pc;
    isReturnAddress = false;
  } else {
    if (sp + 8 > memory.byteLength) return frames;
    pc = readWord(memory, sp);
    sp += 8;
    isReturnAddress = true;
  }
  while (frames.length < maxFrames) {
    // A return address is the resume point after the call; the call itself is one PC_B earlier.
    const lookupPC = isReturnAddress ? pc - 1 : pc;
    const logical = pclntab.frames(lookupPC);
    if (logical.length === 0) break;
    for (const f of logical) frames.push({ ...f, pc, sp });
    const physical = logical[logical.length - 1];
    if (STACK_TOPS.has(physical.function)) break;
    // As runtime traceback: the frame size at the return address itself (funcspdelta(f, frame.pc)).
    const frameSize = pclntab.frameSize(pc);
    const slot = sp + frameSize;
    if (frameSize < 0 || slot + 8 > memory.byteLength) break;
    pc = readWord(memory, slot);
    sp = slot + 8;
    isReturnAddress = true;
    if (pc === 0) break;
  }
  return frames;
}
