// Go types as laid out in a wasm module's linear memory (sizes per types.SizesFor("gc", "wasm"): 8-byte
// words, 8-byte maximum alignment), read from the runtime type descriptors (internal/abi.Type) the
// linker places between moduledata.types and moduledata.etypes.
//
// Why descriptors rather than the listing's or go/types: they are the program's own truth at the moment
// of a stop, the same bytes an interface value points at (so a dynamic type and a static one come from
// one reader), they exist for every package whether or not it could be compiled with DWARF, and reading
// them needs no Go toolchain at debug time. A type is found by name through one scan of the types
// region: a candidate is a word-aligned descriptor whose kind, alignments and name offset are sane and
// whose name decodes to that name. The linker keeps a descriptor only where the program needs one
// (boxed in an interface, allocated on the heap), so a type missing from memory is read from the
// descriptor the compiler printed in the -S=2 listing (goDwarfListing: bytes, and relocations where
// memory would hold pointers); a composite type without either (a `[]T` never boxed) is built from its
// element's, and a builtin has a fixed layout.
//
// API: new GoTypeTable(memory, pclntab, listedTypes?).byName('main.point') | .atDescriptor(address) |
// .useMemory(view); GoType.
import type { ListedDataSymbol } from './goDwarfListing';
import type { GoPclntab } from './goPclntab';
import { readWord } from './memoryWords';

const utf8 = new TextDecoder();

export type GoKind =
  | 'bool' | 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr'
  | 'float32' | 'float64' | 'complex64' | 'complex128' | 'array' | 'chan' | 'func' | 'interface' | 'map' | 'pointer'
  | 'slice' | 'string' | 'struct' | 'unsafe.Pointer';

/** internal/abi.Kind, in order from 1. */
const KINDS: GoKind[] = [
  'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
  'float32', 'float64', 'complex64', 'complex128', 'array', 'chan', 'func', 'interface', 'map', 'pointer',
  'slice', 'string', 'struct', 'unsafe.Pointer',
];

export interface GoField {
  name: string;
  type: GoType;
  offset: number;
  embedded: boolean;
}

export interface GoMapLayout {
  /** Go 1.24+ swiss tables (internal/runtime/maps), or the bucket arrays of Go ≤ 1.23 (runtime/map.go). */
  kind: 'swiss' | 'buckets';
  /** Swiss: bytes per group (ctrl word + 8 slots); buckets: bytes per bucket. */
  groupSize: number;
  /** Swiss: bytes per key/elem slot and the elem's offset in it. */
  slotSize: number;
  elemOffset: number;
  /** Key or elem stored behind a pointer (too big to store inline). */
  indirectKey: boolean;
  indirectElem: boolean;
  /** Buckets: stored sizes of a key and an elem (a pointer's when indirect). */
  keySlot: number;
  elemSlot: number;
}

export interface GoType {
  name: string;
  kind: GoKind;
  size: number;
  align: number;
  /** Element of array, chan, pointer, slice, map (the value). */
  elem?: GoType;
  /** Key of a map. */
  key?: GoType;
  /** Length of an array. */
  length?: number;
  fields?: GoField[];
  map?: GoMapLayout;
  /** An interface with methods (an itab pointer first) rather than `any`. */
  hasMethods?: boolean;
  /** Where its descriptor is in linear memory, when it has one. */
  descriptor?: number;
}

const WORD = 8;
const BASIC: Record<string, [GoKind, number]> = {
  bool: ['bool', 1], int: ['int', 8], int8: ['int8', 1], int16: ['int16', 2], int32: ['int32', 4], int64: ['int64', 8],
  uint: ['uint', 8], uint8: ['uint8', 1], uint16: ['uint16', 2], uint32: ['uint32', 4], uint64: ['uint64', 8], uintptr: ['uintptr', 8],
  byte: ['uint8', 1], rune: ['int32', 4], float32: ['float32', 4], float64: ['float64', 8], complex64: ['complex64', 8],
  complex128: ['complex128', 16], string: ['string', 16], 'unsafe.Pointer': ['unsafe.Pointer', 8],
};
/** Size of each kind in KINDS order where the kind fixes it (0: it does not). */
const FIXED_SIZE = [1, 8, 1, 2, 4, 8, 8, 1, 2, 4, 8, 8, 4, 8, 8, 16, 0, 8, 8, 16, 8, 8, 24, 16, 0, 8];
/** A field name's symbol: `type:.namedata.X.`, `type:.namedata.tags-`, `type:.namedata.point-.embedded`. */
const NAMEDATA_SYMBOL = /^type:\.namedata\.([^.-]+)[-.](?:.*?(\.embedded))?/;
/** tflag bits (internal/abi): the name carries a '*' to drop; the type has a name. */
const TFLAG_EXTRA_STAR = 1 << 1;
/** moduledata words: types, etypes (runtime/symtab.go; the same from Go 1.20 to 1.26). */
const MODULEDATA_TYPES_WORD = 37;
/** MapType.Flags: the bucket maps' (runtime/map.go) and the swiss maps' (internal/abi SwissMapIndirectKey…) bits. */
const BUCKET_MAP_INDIRECT_KEY = 1;
const BUCKET_MAP_INDIRECT_ELEM = 2;
const SWISS_MAP_INDIRECT_KEY = 4;
const SWISS_MAP_INDIRECT_ELEM = 8;

export class GoTypeTable {
  /** [types, etypes) in linear memory; 0, 0 when moduledata was not found. */
  readonly typesStart: number;
  readonly typesEnd: number;
  private readonly byAddress = new Map<number, GoType>();
  private readonly built = new Map<string, GoType | undefined>();
  private index?: Map<string, number>;

  constructor(
    private memory: DataView,
    pclntab: GoPclntab,
    /** The listing's type descriptors (DwarfListing.types), for types the linker left out. */
    private readonly listed: ReadonlyMap<string, ListedDataSymbol> = new Map(),
  ) {
    const md = pclntab.moduledataAddress;
    if (md !== undefined && md + (MODULEDATA_TYPES_WORD + 2) * WORD <= memory.byteLength) {
      this.typesStart = this.word(md + MODULEDATA_TYPES_WORD * WORD);
      this.typesEnd = this.word(md + (MODULEDATA_TYPES_WORD + 1) * WORD);
    } else {
      this.typesStart = this.typesEnd = 0;
    }
  }

  /**
   * Reads through a new view of memory (wasm memory that grew detaches the old one). Descriptors are
   * static data, so what was found stays valid: keep one table per program, not one per stop.
   */
  useMemory(memory: DataView): void {
    this.memory = memory;
  }

  /** The type of this name (as the compiler spells it), or undefined when the program has no such layout. */
  byName(name: string): GoType | undefined {
    if (this.built.has(name)) return this.built.get(name);
    this.built.set(name, undefined); // a type that mentions itself through a name finds none, not a loop
    const type = this.resolve(name);
    this.built.set(name, type);
    return type;
  }

  /** The type whose descriptor is at this address (an interface's dynamic type), or undefined if none is there. */
  atDescriptor(address: number): GoType | undefined {
    const known = this.byAddress.get(address);
    if (known) return known;
    if (!this.plausibleDescriptor(address)) return undefined;
    const m = this.memory;
    const kind = KINDS[(m.getUint8(address + 23) & 0x1f) - 1];
    const type: GoType = { name: this.descriptorName(address) ?? '?', kind, size: this.word(address), align: m.getUint8(address + 21), descriptor: address };
    this.byAddress.set(address, type);
    const ref = (at: number): GoType | undefined => {
      const target = this.word(at);
      return target ? this.atDescriptor(target) : undefined;
    };
    switch (kind) {
      case 'array':
        type.elem = ref(address + 48);
        type.length = this.word(address + 64);
        break;
      case 'chan':
      case 'pointer':
      case 'slice':
        type.elem = ref(address + 48);
        break;
      case 'map':
        type.key = ref(address + 48);
        type.elem = ref(address + 56);
        type.map = this.mapLayout(address);
        break;
      case 'interface':
        type.hasMethods = this.word(address + 64) > 0;
        break;
      case 'struct': {
        const fields = this.word(address + 56);
        const count = this.word(address + 64);
        type.fields = [];
        for (let i = 0; i < count && fields + (i + 1) * 24 <= m.byteLength; i++) {
          const f = fields + i * 24;
          const fieldType = ref(f + 8);
          const name = this.nameAt(this.word(f));
          if (!fieldType || !name) break;
          type.fields.push({ name: name.text, type: fieldType, offset: this.word(f + 16), embedded: name.embedded });
        }
        break;
      }
    }
    return type;
  }

  private resolve(name: string): GoType | undefined {
    if (name === 'error' || name === 'any' || name === 'interface {}') {
      const found = this.descriptorByName(name);
      if (found) return found;
      return { name, kind: 'interface', size: 16, align: 8, hasMethods: name === 'error' };
    }
    const found = this.descriptorByName(name);
    if (found) return found;
    const listed = this.listed.get(name);
    if (listed) return this.fromListing(name, listed);
    const basic = BASIC[name];
    if (basic) return { name, kind: basic[0], size: basic[1], align: Math.min(basic[1], 8) || 1 };
    if (name.startsWith('*')) {
      const elem = this.byName(name.slice(1));
      return elem && { name, kind: 'pointer', size: WORD, align: WORD, elem };
    }
    if (name.startsWith('[]')) {
      const elem = this.byName(name.slice(2));
      return elem && { name, kind: 'slice', size: 3 * WORD, align: WORD, elem };
    }
    const array = /^\[(\d+)\](.+)$/.exec(name);
    if (array) {
      const elem = this.byName(array[2]);
      return elem && { name, kind: 'array', size: elem.size * +array[1], align: elem.align, elem, length: +array[1] };
    }
    if (name.startsWith('chan ') || name.startsWith('<-chan ') || name.startsWith('chan<- ')) {
      const elem = this.byName(name.replace(/^(<-)?chan(<-)? /, ''));
      return { name, kind: 'chan', size: WORD, align: WORD, elem };
    }
    if (name.startsWith('func(')) return { name, kind: 'func', size: WORD, align: WORD };
    // A map's layout lives in its descriptor alone (group and slot sizes), and interface {…} forms need theirs.
    return undefined;
  }

  /** A descriptor as the compiler printed it: the same layout, pointers as relocations to `type:…` symbols. */
  private fromListing(name: string, symbol: ListedDataSymbol): GoType | undefined {
    const bytes = symbol.bytes;
    if (bytes.length < 48) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = (offset: number): number => (offset + 8 <= bytes.length ? view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x100000000 : 0);
    const target = (offset: number): { name: string; addend: number } | undefined => {
      const r = symbol.relocations.find((x) => x.offset === offset && x.target.startsWith('type:'));
      return r && { name: r.target.slice('type:'.length), addend: r.addend };
    };
    const kind = KINDS[(bytes[23] & 0x1f) - 1];
    if (!kind) return undefined;
    const type: GoType = { name, kind, size: at(0), align: bytes[21] };
    this.built.set(name, type); // before its parts, which may name it again
    const elem = target(48);
    switch (kind) {
      case 'array':
        type.elem = elem && this.byName(elem.name);
        type.length = at(64);
        break;
      case 'chan':
      case 'pointer':
      case 'slice':
        type.elem = elem && this.byName(elem.name);
        break;
      case 'struct': {
        const fields = target(56);
        if (!fields || fields.name !== name) break;
        type.fields = [];
        for (let i = 0; i < at(64); i++) {
          const f = fields.addend + i * 24;
          const fieldName = symbol.relocations.find((x) => x.offset === f)?.target;
          const fieldType = target(f + 8);
          const decoded = fieldName ? NAMEDATA_SYMBOL.exec(fieldName) : null;
          const resolved = fieldType && this.byName(fieldType.name);
          if (!decoded || !resolved) return undefined;
          type.fields.push({ name: decoded[1], type: resolved, offset: at(f + 16), embedded: decoded[2] !== undefined });
        }
        break;
      }
      case 'map':
      case 'interface':
        // Their layouts (map groups, method tables) need the descriptor in memory.
        return undefined;
    }
    return type;
  }

  private descriptorByName(name: string): GoType | undefined {
    const address = this.nameIndex().get(name);
    return address === undefined ? undefined : this.atDescriptor(address);
  }

  /** Every descriptor of the types region by name, found in one scan. */
  private nameIndex(): Map<string, number> {
    if (this.index) return this.index;
    const index = new Map<string, number>();
    const end = Math.min(this.typesEnd, this.memory.byteLength) - 48;
    for (let a = (this.typesStart + 7) & ~7; a <= end; a += 8) {
      if (!this.plausibleDescriptor(a)) continue;
      const name = this.descriptorName(a);
      if (name && !index.has(name)) index.set(name, a);
    }
    return (this.index = index);
  }

  private plausibleDescriptor(a: number): boolean {
    const m = this.memory;
    if (a < this.typesStart || a + 48 > this.typesEnd || a % 8 !== 0) return false;
    const kind = m.getUint8(a + 23) & 0x1f;
    const align = m.getUint8(a + 21);
    const fieldAlign = m.getUint8(a + 22);
    const str = m.getInt32(a + 40, true);
    if (kind < 1 || kind > KINDS.length || (align & (align - 1)) !== 0 || align === 0 || align > 8 || fieldAlign !== align) return false;
    if (m.getUint32(a + 4, true) !== 0 || str <= 0 || this.typesStart + str >= this.typesEnd) return false;
    // The size a kind fixes, and pointer bytes within the size: most words of the region fail here.
    const size = m.getUint32(a, true);
    const fixed = FIXED_SIZE[kind - 1];
    if ((fixed !== 0 && size !== fixed) || m.getUint32(a + 12, true) !== 0 || m.getUint32(a + 8, true) > size) return false;
    const ptrToThis = m.getInt32(a + 44, true);
    return ptrToThis >= 0 && this.typesStart + ptrToThis < this.typesEnd;
  }

  private descriptorName(a: number): string | undefined {
    const name = this.nameAt(this.typesStart + this.memory.getInt32(a + 40, true));
    if (!name) return undefined;
    return this.memory.getUint8(a + 20) & TFLAG_EXTRA_STAR && name.text.startsWith('*') ? name.text.slice(1) : name.text;
  }

  /** internal/abi.Name: a flag byte (bit 3: embedded), a varint length, the bytes. */
  private nameAt(address: number): { text: string; embedded: boolean } | undefined {
    const m = this.memory;
    if (address <= 0 || address + 2 > m.byteLength) return undefined;
    const flags = m.getUint8(address);
    let length = 0;
    let at = address + 1;
    for (let shift = 0; ; shift += 7) {
      if (at >= m.byteLength || shift > 21) return undefined;
      const b = m.getUint8(at++);
      length |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (length === 0 || length > 4096 || at + length > m.byteLength) return undefined;
    const bytes = new Uint8Array(m.buffer, m.byteOffset + at, length);
    for (const b of bytes) if (b < 0x20 || b === 0x7f) return undefined;
    return { text: utf8.decode(bytes), embedded: (flags & (1 << 3)) !== 0 };
  }

  /** Swiss when GroupSize (word 10) equals the group type's size, as in internal/abi.SwissMapType. */
  private mapLayout(a: number): GoMapLayout | undefined {
    const m = this.memory;
    const group = this.word(a + 64);
    if (!group || !this.plausibleDescriptor(group)) return undefined;
    const groupSize = this.word(a + 80);
    if (groupSize === this.word(group)) {
      const flags = m.getUint32(a + 104, true);
      return { kind: 'swiss', groupSize, slotSize: this.word(a + 88), elemOffset: this.word(a + 96), indirectKey: !!(flags & SWISS_MAP_INDIRECT_KEY), indirectElem: !!(flags & SWISS_MAP_INDIRECT_ELEM), keySlot: 0, elemSlot: 0 };
    }
    const keySlot = m.getUint8(a + 80);
    const elemSlot = m.getUint8(a + 81);
    const flags = m.getUint32(a + 84, true);
    return { kind: 'buckets', groupSize: m.getUint16(a + 82, true), slotSize: 0, elemOffset: 0, indirectKey: !!(flags & BUCKET_MAP_INDIRECT_KEY), indirectElem: !!(flags & BUCKET_MAP_INDIRECT_ELEM), keySlot, elemSlot };
  }

  private word(address: number): number {
    if (address < 0 || address + 8 > this.memory.byteLength) return 0;
    return readWord(this.memory, address);
  }
}
