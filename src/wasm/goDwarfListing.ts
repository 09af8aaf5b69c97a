// Reads the data symbols gc prints with `-S=2`: each function's and global's DWARF (the `aux for
// main.add<0> SDWARFFCN`, `SDWARFRANGE` and `SDWARFVAR` symbols, present when the package was
// compiled with `-dwarf=true -dwarflocationlists=false`) and the package's type descriptors
// (`type:main.point<0> SRODATA`), each with its bytes and relocations. The linker drops DWARF for wasm, so the listing is where a debugger
// finds the compiler's own record of every parameter and local: name, type, frame offset, scope.
//
//   aux for main.add<0> SDWARFFCN size=82
//   	0x0000 03 6d 61 69 6e 2e 61 64 64 00 00 12 01 9c 02 00  .main.add.......
//   	rel 25+4 t=R_DWARFSECREF go:info.int<0>+0
//
// API: parseDwarfListing(text) → { functions: name → { info, ranges }, variables: name → symbol,
// types: name → symbol }.

export interface ListedRelocation {
  offset: number;
  size: number;
  /** R_DWARFSECREF, R_ADDR, R_ADDROFF, R_DWTXTADDR_U1… */
  type: string;
  /** Target symbol without its ABI suffix (`go:info.int`, `type:main.point`); '' for the unnamed range symbol. */
  target: string;
  addend: number;
}

export interface ListedDataSymbol {
  name: string;
  bytes: Uint8Array;
  relocations: ListedRelocation[];
}

export interface ListedDwarfFunction {
  /** The SDWARFFCN symbol: the subprogram DIE and its children. */
  info?: ListedDataSymbol;
  /** The SDWARFRANGE symbol: the lexical blocks' address ranges. */
  ranges?: ListedDataSymbol;
}

export interface DwarfListing {
  functions: Map<string, ListedDwarfFunction>;
  /** Package-level variables' DIEs (SDWARFVAR) by qualified name (`main.counter`). */
  variables: Map<string, ListedDataSymbol>;
  /** Type descriptors by type name (`main.point`, `[]string`, `*main.point`). */
  types: Map<string, ListedDataSymbol>;
}

/** `aux for main.add<0> SDWARFFCN size=82`, `type:main.point<0> SRODATA dupok size=144`; names may hold spaces. */
const SYMBOL_HEADER = /^(aux for )?(.+?)<\d+> (S[A-Z0-9]+)(?: [a-z]+)* size=(\d+)/;
const HEX_LINE = /^\t0x([0-9a-f]{4,}) ((?:[0-9a-f]{2} )*[0-9a-f]{2})/;
const RELOCATION = /^\trel (\d+)\+(\d+) t=(\S+) (.*?)(?:<\d+>)?\+(-?\d+)$/;

/** Parses go build's stderr with -S=2 listings in it; lines of anything else are skipped. */
export function parseDwarfListing(text: string): DwarfListing {
  const listing: DwarfListing = { functions: new Map(), variables: new Map(), types: new Map() };
  let current: ListedDataSymbol | undefined;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.charCodeAt(0) !== 9 /* tab */) {
      current = symbolOf(listing, line);
      continue;
    }
    if (!current) continue;
    const hex = HEX_LINE.exec(line);
    if (hex) {
      const at = parseInt(hex[1], 16);
      const values = hex[2].split(' ');
      for (let i = 0; i < values.length && at + i < current.bytes.length; i++) current.bytes[at + i] = parseInt(values[i], 16);
      continue;
    }
    const rel = RELOCATION.exec(line);
    if (rel) current.relocations.push({ offset: +rel[1], size: +rel[2], type: rel[3], target: rel[4], addend: +rel[5] });
  }
  return listing;
}

function symbolOf(listing: DwarfListing, line: string): ListedDataSymbol | undefined {
  const header = SYMBOL_HEADER.exec(line);
  if (!header) return undefined;
  const [, aux, name, kind, size] = header;
  const symbol: ListedDataSymbol = { name, bytes: new Uint8Array(+size), relocations: [] };
  if (aux && (kind === 'SDWARFFCN' || kind === 'SDWARFRANGE')) {
    let fn = listing.functions.get(name);
    if (!fn) listing.functions.set(name, (fn = {}));
    if (kind === 'SDWARFFCN') fn.info = symbol;
    else fn.ranges = symbol;
    return symbol;
  }
  if (aux && kind === 'SDWARFVAR') {
    listing.variables.set(name, symbol);
    return symbol;
  }
  if (!aux && kind === 'SRODATA' && name.startsWith('type:') && !name.startsWith('type:.')) {
    listing.types.set(name.slice('type:'.length), symbol);
    return symbol;
  }
  return undefined;
}
