// Reads the assembly listing gc prints with `-gcflags=-S`: for every function, each instruction after
// the wasm back end's preprocessing, with its PC_B and its source position. Go's pclntab keeps one line
// per PC_B (the last one), and a PC_B block can hold several statements; the listing has the line of
// every instruction, which is what lets a debugger stop before a statement in the middle of a block.
//
//   main.add STEXT size=16 args=0x18 locals=0xb8 funcid=0x0 align=0x0
//   	0x0001 00001 (/src/main.go:8)	I64Load	$0
//
// Instructions that emit no wasm code (TEXT, FUNCDATA, PCDATA) are dropped, so the n-th instruction kept
// is the n-th wasm instruction of the function's body: goStatementSites checks that against the module.

export interface ListedFunction {
  name: string;
  /** Per instruction: PC_B, the file's index in `files`, the line, the mnemonic. */
  pcB: number[];
  file: number[];
  line: number[];
  op: string[];
  /** First word of the operands (`SP`, `PC_B`, `$16`…), '' when none. */
  operand: string[];
}

export interface AssemblyListing {
  files: string[];
  functions: Map<string, ListedFunction>;
}

/** `main.add STEXT …`; with -S=2, symbols carry their ABI (`main.add<1> STEXT …`). */
const FUNCTION_HEADER = /^(\S+?)(?:<\d+>)? STEXT\b/;
const INSTRUCTION = /^\t0x[0-9a-f]+ (\d+) \((.*):(\d+)\)\t(\S+)(?:\t(\S*))?/;
const NO_CODE = new Set(['TEXT', 'FUNCDATA', 'PCDATA']);

/** Parses a listing (all of go build's stderr will do: other lines are skipped). */
export function parseAssemblyListing(text: string): AssemblyListing {
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const functions = new Map<string, ListedFunction>();
  let current: ListedFunction | undefined;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const first = text.charCodeAt(start);
    if (first === 9 /* \t */) {
      // Instruction lines start "\t0x"; byte dumps ("\t0x0000 02 40 …") and relocations do not match.
      if (current && text.charCodeAt(start + 1) === 48) {
        const m = INSTRUCTION.exec(text.slice(start, end));
        if (m && !NO_CODE.has(m[4])) {
          let f = fileIndex.get(m[2]);
          if (f === undefined) {
            f = files.length;
            files.push(m[2]);
            fileIndex.set(m[2], f);
          }
          current.pcB.push(Number(m[1]));
          current.file.push(f);
          current.line.push(Number(m[3]));
          current.op.push(m[4]);
          current.operand.push(m[5] ?? '');
        }
      }
    } else {
      const m = FUNCTION_HEADER.exec(text.slice(start, Math.min(end, start + 400)));
      if (m) {
        current = { name: m[1], pcB: [], file: [], line: [], op: [], operand: [] };
        functions.set(m[1], current);
      } else if (first !== 32 /* a dump's continuation */) {
        current = undefined;
      }
    }
    start = end + 1;
  }
  return { files, functions };
}
