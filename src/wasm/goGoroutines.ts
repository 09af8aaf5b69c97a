// The goroutines of a stopped Go wasm program, read from linear memory.
//
// Go's runtime keeps every goroutine it ever made in `runtime.allgs` ([]*g). A module has no symbol
// table for data, so the slice is found by what it is: a slice header in the data or bss area whose
// elements are g structures, one of them the goroutine running now (wasm global 2). Within runtime.g
// the first fields are fixed since long before Go 1.21 (stack lo/hi, two stack guards, _panic, _defer,
// m, then sched: a gobuf whose sp and pc say where a parked goroutine resumes); goid's offset moved
// between versions, so it is found as the one field that numbers all goroutines distinctly from 1.

import { readWord } from './memoryWords';

export interface GoroutineLayout {
  /** Address of runtime.allgs's slice header. */
  allgs: number;
  goidOffset: number;
  /** Offset of atomicstatus (uint32), or -1 when it could not be told. */
  statusOffset: number;
}

export interface GoroutineInfo {
  /** Address of the g structure. */
  g: number;
  goid: number;
  status: number;
  /** gobuf sp and pc: where a goroutine that is not running resumes. */
  schedSp: number;
  schedPc: number;
}

const SCHED_SP = 56;
const SCHED_PC = 64;
/** runtime._Gdead: a g kept for reuse, not a live goroutine. */
export const G_DEAD = 6;
const MAX_GOROUTINES = 1 << 20;

/** Finds allgs and goid's place, scanning [from, to) for the slice; undefined when nothing fits. */
export function findGoroutineLayout(view: DataView, currentG: number, from: number, to: number): GoroutineLayout | undefined {
  const end = Math.min(to, view.byteLength - 24);
  for (let at = from & ~7; at < end; at += 8) {
    const ptr = readWord(view, at);
    const len = readWord(view, at + 8);
    const cap = readWord(view, at + 16);
    if (len < 1 || len > cap || cap > MAX_GOROUTINES || ptr <= 0 || ptr + len * 8 > view.byteLength) continue;
    let hasCurrent = false;
    let plausible = true;
    for (let i = 0; i < len && plausible; i++) {
      const g = readWord(view, ptr + i * 8);
      if (g === currentG) hasCurrent = true;
      plausible = g > 0 && g + 256 < view.byteLength && readWord(view, g) <= readWord(view, g + 8);
    }
    if (!hasCurrent || !plausible) continue;
    const gs = Array.from({ length: len }, (_, i) => readWord(view, ptr + i * 8));
    const goidOffset = findGoidOffset(view, gs);
    if (goidOffset < 0) continue;
    const statusOffset = gs.every((g) => view.getUint32(g + goidOffset - 8, true) <= 9) ? goidOffset - 8 : -1;
    return { allgs: at, goidOffset, statusOffset };
  }
  return undefined;
}

function findGoidOffset(view: DataView, gs: number[]): number {
  for (let offset = SCHED_PC + 8; offset < 320; offset += 8) {
    const ids = new Set<number>();
    let ok = true;
    for (const g of gs) {
      const id = readWord(view, g + offset);
      if (id < 1 || id > 0x7fffffff || ids.has(id)) {
        ok = false;
        break;
      }
      ids.add(id);
    }
    if (ok && ids.has(1)) return offset;
  }
  return -1;
}

/** Every goroutine in allgs, dead ones left out. */
export function readGoroutines(view: DataView, layout: GoroutineLayout, limit = 10_000): GoroutineInfo[] {
  const ptr = readWord(view, layout.allgs);
  const len = Math.min(readWord(view, layout.allgs + 8), limit);
  const result: GoroutineInfo[] = [];
  for (let i = 0; i < len; i++) {
    const g = readWord(view, ptr + i * 8);
    if (g <= 0 || g + 256 > view.byteLength) continue;
    const status = layout.statusOffset >= 0 ? view.getUint32(g + layout.statusOffset, true) : 0;
    if (status === G_DEAD) continue;
    result.push({ g, goid: readWord(view, g + layout.goidOffset), status, schedSp: readWord(view, g + SCHED_SP), schedPc: readWord(view, g + SCHED_PC) });
  }
  return result;
}
