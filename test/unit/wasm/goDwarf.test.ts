// The one shape of gc's function DWARF the fixtures do not produce: a lexical block whose code is in
// several pieces, written (Go ≤ 1.24, DWARF 4) as a range list with a base address selection entry
// (cmd/internal/dwarf PutRanges). The listing below is laid out as gc prints it with -S=2; the real
// listings of every supported Go are read in goValues.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDwarfListing } from '../../../src/wasm/goDwarfListing';
import { decodeDwarfFunction, variablesInScope } from '../../../src/wasm/goDwarf';

function hexLines(bytes: number[]): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    lines.push(`\t0x${at.toString(16).padStart(4, '0')} ${bytes.slice(at, at + 16).map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return lines.join('\n');
}

const word = (n: number): number[] => [n, 0, 0, 0, 0, 0, 0, 0];
const info = [
  0x03, 0x66, 0x00, ...word(0), ...word(0), 0x01, 0x9c, 1, 0, 0, 0, 5, 1, // subprogram f, frame base CFA, line 5
  0x0c, 0, 0, 0, 0, // lexical block, ranges at 0
  0x28, 0x76, 0x00, 7, 0, 0, 0, 0, 2, 0x91, 0x78, // v, line 7, type int, fbreg -8
  0, // end of the block's children
  0x28, 0x77, 0x00, 6, 0, 0, 0, 0, 3, 0x91, 0xf0, 0x7e, // w, line 6, type main.t, fbreg -144
  0, // end of f's children
];
const ranges = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...word(0), ...word(2), ...word(4), ...word(9), ...word(12), ...word(0), ...word(0)];
const listing = [
  'main.f<1> STEXT size=20 args=0x0 locals=0x98 funcid=0x0 align=0x0',
  'aux for main.f<0> SDWARFRANGE size=64',
  hexLines(ranges),
  '\trel 8+8 t=R_ADDR main.f<1>+0',
  `aux for main.f<0> SDWARFFCN size=${info.length}`,
  hexLines(info),
  '\trel 0+0 t=R_USETYPE type:int<0>+0',
  '\trel 3+8 t=R_ADDR main.f<1>+0',
  '\trel 11+8 t=R_ADDR main.f<1>+20',
  '\trel 28+4 t=R_DWARFSECREF <0>+0',
  '\trel 36+4 t=R_DWARFSECREF go:info.int<0>+0',
  '\trel 48+4 t=R_DWARFSECREF go:info.main.t<0>+0',
].join('\n');

test('a lexical block in pieces scopes its variables to each piece (Go 1.24 table, DWARF 4 ranges)', () => {
  const fn = decodeDwarfFunction(parseDwarfListing(listing).functions.get('main.f') ?? {});
  assert.ok(!('error' in fn), 'error' in fn ? fn.error : '');
  assert.equal(fn.table, 'go1.24');
  const [v, w] = fn.variables;
  assert.deepEqual([v.name, v.typeName, v.declLine, v.cfaOffset, v.scope, v.depth], ['v', 'int', 7, -8, [[2, 4], [9, 12]], 1]);
  assert.deepEqual([w.name, w.typeName, w.declLine, w.cfaOffset, w.scope, w.depth], ['w', 'main.t', 6, -144, [], 0]);
  assert.deepEqual(variablesInScope(fn, 3, 8).map((x) => x.name), ['v', 'w']);
  assert.deepEqual(variablesInScope(fn, 5, 8).map((x) => x.name), ['w']);
  assert.deepEqual(variablesInScope(fn, 10, 8).map((x) => x.name), ['v', 'w']);
  assert.deepEqual(variablesInScope(fn, 10, 6).map((x) => x.name), ['w'], 'v is declared below line 6');
});

test('a function without DWARF, or with DWARF no table of Go fits, says why', () => {
  assert.match((decodeDwarfFunction({}) as { error: string }).error, /no DWARF/);
  const broken = parseDwarfListing(`aux for main.g<0> SDWARFFCN size=3\n\t0x0000 63 00 00`).functions.get('main.g')!;
  assert.match((decodeDwarfFunction(broken) as { error: string }).error, /no abbreviation table of Go's fits main.g/);
});
