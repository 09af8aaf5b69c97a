// Walks Go's own stack in linear memory at a host call. On wasm every Go call stores its return
// address (PC_F<<16 | PC_B) at 0(SP) and the callee then grows its frame by the pclntab's pcsp
// delta, so from the SP at a //go:wasmimport wrapper (which keeps no frame) each return address
// sits at sp + frameSize(caller) + 8 above the previous one. The pclntab turns each into
// function/file/line, inlined calls included. The wasm call stack V8 shows cannot do this: it has
// no resume points, and loses frames whenever Go unwinds it to switch goroutines.
import type { GoPclntab } from '../wasm/goPclntab';
import type { StackFrameInfo } from './debugWorkerProtocol';

const MAX_FRAMES = 200;

export function walkGoStack(view: DataView, sp: number, pclntab: GoPclntab): StackFrameInfo[] {
  const frames: StackFrameInfo[] = [];
  let at = sp;
  while (frames.length < MAX_FRAMES && at >= 0 && at + 8 <= view.byteLength) {
    const returnAddress = Number(view.getBigUint64(at, true));
    if (returnAddress === 0) break;
    // A return address is the resume point after the call; one before it still lies in the call's
    // block, which is what Go's own tracebacks look up.
    const pc = returnAddress - 1;
    const logical = pclntab.frames(pc);
    if (!logical.length) break;
    for (const frame of logical) frames.push({ name: frame.function, file: frame.file, line: frame.line, kind: 'go', pc: returnAddress });
    const size = pclntab.frameSize(pc);
    if (size < 0) break;
    at += 8 + size;
  }
  return frames;
}

/** The source position of a function's declaration, for the wasmimport wrapper frame whose PC is unknown. */
export function declarationFrame(name: string, pclntab: GoPclntab | undefined): StackFrameInfo {
  const index = pclntab ? pclntab.funcIndexByName(name) : -1;
  if (!pclntab || index < 0) return { name, kind: 'wasm' };
  const position = pclntab.lookup(pclntab.entryPC(index));
  return { name, kind: 'go', file: position?.file, line: position?.line ?? pclntab.funcStartLine(index) };
}
