// Reads Go values out of a stopped program's linear memory, given their type (goTypes) and address
// (goDwarf's frameAddress): what a Variables view, hover or watch shows. Every read is bounds-checked
// and a value that cannot be decoded (an address outside memory, a layout the program does not carry)
// comes back as its raw bytes with the reason, never as an exception: the guest's memory is input.
//
// Layouts (wasm: 8-byte words): string {ptr, len}; slice {ptr, len, cap}; interface {itab or type, data},
// an itab's type at word 1, the data word holding the value itself for pointer-shaped types; chan
// points at runtime.hchan {qcount, dataqsiz, …}; func points at a funcval whose first word is the PC;
// maps: Go 1.24+ internal/runtime/maps.Map {used, seed, dirPtr, dirLen, …}, where dirLen 0 means dirPtr
// is one group, else a directory of tables {…, groups {data, lengthMask}} (each group a ctrl word, a slot
// full when its ctrl byte's top bit is clear, then 8 key/elem slots); Go ≤ 1.23 runtime.hmap {count,
// flags, B, …, buckets} with buckets of 8 tophash bytes (≥ 5: full), 8 keys, 8 elems, an overflow pointer.
//
// API: new GoValueReader(memory, types, pclntab).read(name, type, address) → GoValue, whose children(start,
// count) expand it lazily (a big slice is read a page at a time).
import type { GoPclntab } from './goPclntab';
import type { GoKind, GoType, GoTypeTable } from './goTypes';
import { readWord } from './memoryWords';

const utf8 = new TextDecoder();

export interface GoValue {
  name: string;
  /** The Go type's name; for an interface, the static type and the dynamic one: `error(*errors.errorString)`. */
  type: string;
  /** One line, as Delve prints it. */
  value: string;
  address?: number;
  /** Elements of an array or slice, shown by index. */
  indexedCount?: number;
  /** Fields, a pointee, map entries, an interface's value. */
  namedCount?: number;
  /** Expands the value; for indexed ones, elements [start, start + count). */
  children?: (start?: number, count?: number) => GoValue[];
  /** Set when the value could not be decoded: the bytes that were there and why. */
  raw?: { bytes: Uint8Array; reason: string };
  /** For a bool, a number or a string (named or not): its kind, which says its size in memory. */
  scalarKind?: GoKind;
}

/** Most characters of a string, and elements of a collection, a one-line value shows. */
const STRING_LIMIT = 512;
const SUMMARY_ELEMENTS = 8;
const MAP_LIMIT = 10_000;

class Unreadable extends Error {
  constructor(readonly address: number, readonly size: number, message: string) {
    super(message);
  }
}

export class GoValueReader {
  constructor(
    private readonly memory: DataView,
    private readonly types: GoTypeTable,
    private readonly pclntab: GoPclntab,
  ) {}

  /** The value of `type` at `address`; a variable whose type the program lacks reads as raw bytes. */
  readVariable(name: string, typeName: string, address: number, size = 8): GoValue {
    const type = this.types.byName(typeName);
    if (!type) return this.rawValue(name, typeName, address, size, `the program carries no layout for type ${typeName}`);
    return this.read(name, type, address);
  }

  read(name: string, type: GoType, address: number): GoValue {
    try {
      return this.decode(name, type, address);
    } catch (e) {
      if (!(e instanceof Unreadable)) throw e;
      return this.rawValue(name, type.name, address, Math.min(type.size, 64), e.message);
    }
  }

  private rawValue(name: string, type: string, address: number, size: number, reason: string): GoValue {
    const start = Math.max(0, Math.min(address, this.memory.byteLength));
    const end = Math.max(start, Math.min(address + size, this.memory.byteLength));
    const bytes = new Uint8Array(this.memory.buffer.slice(this.memory.byteOffset + start, this.memory.byteOffset + end));
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
    return { name, type, value: `<${reason}> ${hex}`.trim(), address, raw: { bytes, reason } };
  }

  private decode(name: string, type: GoType, address: number): GoValue {
    const base = { name, type: type.name, address };
    switch (type.kind) {
      case 'struct': {
        const fields = type.fields ?? [];
        return {
          ...base,
          value: `${type.name} {${fields.slice(0, SUMMARY_ELEMENTS).map((f) => `${f.name}: ${this.summary(f.type, address + f.offset)}`).join(', ')}${fields.length > SUMMARY_ELEMENTS ? ', …' : ''}}`,
          namedCount: fields.length,
          children: () => fields.map((f) => this.read(f.name, f.type, address + f.offset)),
        };
      }
      case 'array': {
        const elem = type.elem;
        const length = type.length ?? 0;
        if (!elem) throw new Unreadable(address, type.size, `the element type of ${type.name} is unknown`);
        this.check(address, type.size);
        return { ...base, value: this.listSummary(elem, address, length, ''), indexedCount: length, children: (s, c) => this.elements(elem, address, length, s, c) };
      }
      case 'slice': {
        const elem = type.elem;
        const data = this.word(address);
        const length = this.word(address + 8);
        const capacity = this.word(address + 16);
        if (!elem) throw new Unreadable(address, 24, `the element type of ${type.name} is unknown`);
        if (data === 0 && length === 0) return { ...base, value: `${type.name} nil`, indexedCount: 0 };
        if (length > capacity) throw new Unreadable(address, 24, `len ${length} > cap ${capacity}`);
        this.check(data, length * elem.size);
        return {
          ...base,
          value: `${type.name} len: ${length}, cap: ${capacity}, ${this.listSummary(elem, data, length, '')}`,
          indexedCount: length,
          children: (s, c) => this.elements(elem, data, length, s, c),
        };
      }
      case 'pointer':
      case 'unsafe.Pointer': {
        const target = this.word(address);
        if (target === 0) return { ...base, value: 'nil' };
        const elem = type.elem;
        if (!elem || type.kind === 'unsafe.Pointer') return { ...base, value: hexAddress(target) };
        const pointee = (): GoValue => this.read(`*${name}`, elem, target);
        const shown = elem.kind === 'struct' ? `&${this.summary(elem, target)}` : `(${type.name})(${hexAddress(target)})`;
        return { ...base, value: shown, namedCount: 1, children: () => [pointee()] };
      }
      case 'string':
        return { ...base, value: quote(this.stringAt(address)), scalarKind: 'string' };
      case 'interface':
        return this.interfaceValue(name, type, address);
      case 'map':
        return this.mapValue(name, type, address);
      case 'chan': {
        const hchan = this.word(address);
        if (hchan === 0) return { ...base, value: `${type.name} nil` };
        return { ...base, value: `${type.name} ${this.word(hchan + 8) ? 'buffered' : 'unbuffered'} len: ${this.word(hchan)}, cap: ${this.word(hchan + 8)}` };
      }
      case 'func': {
        const funcval = this.word(address);
        if (funcval === 0) return { ...base, value: 'nil' };
        const pc = this.word(funcval);
        const index = this.pclntab.funcIndexForPC(pc);
        return { ...base, value: index >= 0 ? this.pclntab.funcName(index) : `func at ${hexAddress(pc)}` };
      }
      default:
        return { ...base, value: this.scalar(type, address), scalarKind: type.kind };
    }
  }

  /** The value's one-line form inside another's (fields, elements). */
  private summary(type: GoType, address: number): string {
    try {
      switch (type.kind) {
        case 'struct':
          return `{${(type.fields ?? []).slice(0, SUMMARY_ELEMENTS).map((f) => `${f.name}: ${this.shallow(f.type, address + f.offset)}`).join(', ')}}`;
        default:
          return this.shallow(type, address);
      }
    } catch (e) {
      if (e instanceof Unreadable) return `<${e.message}>`;
      throw e;
    }
  }

  /** A value nested two levels down: scalars and strings in full, anything else by its type. */
  private shallow(type: GoType, address: number): string {
    if (type.kind === 'string') return quote(this.stringAt(address));
    if (['struct', 'array', 'slice', 'map', 'interface'].includes(type.kind)) return `${type.name}{…}`;
    if (type.kind === 'pointer' || type.kind === 'unsafe.Pointer' || type.kind === 'chan' || type.kind === 'func') {
      const target = this.word(address);
      return target === 0 ? 'nil' : hexAddress(target);
    }
    return this.scalar(type, address);
  }

  private listSummary(elem: GoType, data: number, length: number, prefix: string): string {
    const shown: string[] = [];
    for (let i = 0; i < Math.min(length, SUMMARY_ELEMENTS); i++) shown.push(this.summary(elem, data + i * elem.size));
    return `${prefix}[${shown.join(', ')}${length > SUMMARY_ELEMENTS ? `, …+${length - SUMMARY_ELEMENTS} more` : ''}]`;
  }

  private elements(elem: GoType, data: number, length: number, start = 0, count = length - start): GoValue[] {
    const out: GoValue[] = [];
    const end = Math.min(length, start + count);
    for (let i = Math.max(0, start); i < end; i++) out.push(this.read(`[${i}]`, elem, data + i * elem.size));
    return out;
  }

  private interfaceValue(name: string, type: GoType, address: number): GoValue {
    const first = this.word(address);
    const data = address + 8;
    if (first === 0) return { name, type: type.name, address, value: 'nil' };
    // An itab's _type is its second word; an empty interface holds the type itself.
    const descriptor = type.hasMethods ? this.word(first + 8) : first;
    const dynamic = this.types.atDescriptor(descriptor);
    if (!dynamic) throw new Unreadable(address, 16, `no type descriptor at ${hexAddress(descriptor)}`);
    const label = `${type.name}(${dynamic.name})`;
    // Pointer-shaped values sit in the data word itself; others are boxed behind it.
    const inner = this.read(name, dynamic, isPointerShaped(dynamic) ? data : this.word(data));
    let value = inner.value;
    const message = type.name === 'error' ? this.errorMessage(dynamic, isPointerShaped(dynamic) ? data : this.word(data)) : undefined;
    if (message !== undefined) value = `${quote(message)} ${value}`;
    return { name, type: label, address, value, namedCount: 1, children: () => [{ ...inner, name: 'data' }] };
  }

  /** An error's message where it is a string field of the error's own struct (errors.New, fmt.Errorf). */
  private errorMessage(dynamic: GoType, address: number): string | undefined {
    const struct = dynamic.kind === 'pointer' ? dynamic.elem : dynamic;
    const at = dynamic.kind === 'pointer' ? this.word(address) : address;
    if (struct?.kind !== 'struct' || at === 0) return undefined;
    const field = struct.fields?.find((f) => f.type.kind === 'string' && (f.name === 's' || f.name === 'msg'));
    return field && this.stringAt(at + field.offset);
  }

  private mapValue(name: string, type: GoType, address: number): GoValue {
    const header = this.word(address);
    const base = { name, type: type.name, address };
    if (header === 0) return { ...base, value: `${type.name} nil`, namedCount: 0 };
    const layout = type.map;
    const key = type.key;
    const elem = type.elem;
    if (!layout || !key || !elem) throw new Unreadable(address, 8, `the layout of ${type.name} is not in the program`);
    const entries: [number, number][] = layout.kind === 'swiss' ? this.swissEntries(header, layout) : this.bucketEntries(header, layout, key, elem);
    const pairs = (): [GoValue, GoValue][] => entries.map(([k, v]) => [this.read('key', key, k), this.read('value', elem, v)]);
    const shown = entries.slice(0, SUMMARY_ELEMENTS).map(([k, v]) => `${this.summary(key, k)}: ${this.summary(elem, v)}`);
    return {
      ...base,
      value: `${type.name} [${shown.join(', ')}${entries.length > SUMMARY_ELEMENTS ? ', …' : ''}]`,
      namedCount: entries.length,
      children: () => pairs().map(([k, v]) => ({ ...v, name: `[${k.value}]` })),
    };
  }

  private swissEntries(map: number, layout: NonNullable<GoType['map']>): [number, number][] {
    const out: [number, number][] = [];
    const dirPtr = this.word(map + 16);
    const dirLen = this.word(map + 24);
    const group = (g: number): void => {
      this.check(g, layout.groupSize);
      for (let slot = 0; slot < 8 && out.length < MAP_LIMIT; slot++) {
        if (this.memory.getUint8(g + slot) & 0x80) continue;
        const at = g + 8 + slot * layout.slotSize;
        out.push([layout.indirectKey ? this.word(at) : at, layout.indirectElem ? this.word(at + layout.elemOffset) : at + layout.elemOffset]);
      }
    };
    if (dirPtr === 0) return out;
    if (dirLen === 0) {
      group(dirPtr);
      return out;
    }
    const seen = new Set<number>();
    for (let i = 0; i < dirLen && i < 1 << 16; i++) {
      const table = this.word(dirPtr + i * 8);
      if (seen.has(table)) continue; // directory entries share a table until it splits
      seen.add(table);
      const groups = this.word(table + 16);
      const lengthMask = this.word(table + 24);
      for (let g = 0; g <= lengthMask && out.length < MAP_LIMIT; g++) group(groups + g * layout.groupSize);
    }
    return out;
  }

  private bucketEntries(hmap: number, layout: NonNullable<GoType['map']>, key: GoType, elem: GoType): [number, number][] {
    const out: [number, number][] = [];
    this.check(hmap, 48);
    const b = this.memory.getUint8(hmap + 9);
    const buckets = this.word(hmap + 16);
    if (this.word(hmap + 24) !== 0) throw new Unreadable(hmap, 48, 'the map is growing (entries in two bucket arrays)');
    if (buckets === 0 || b > 24) return out;
    const keySlot = layout.indirectKey ? 8 : key.size;
    const elemSlot = layout.indirectElem ? 8 : elem.size;
    for (let i = 0; i < 2 ** b && out.length < MAP_LIMIT; i++) {
      let bucket = buckets + i * layout.groupSize;
      for (let chain = 0; bucket !== 0 && chain < 1024; chain++) {
        this.check(bucket, layout.groupSize);
        for (let slot = 0; slot < 8; slot++) {
          if (this.memory.getUint8(bucket + slot) < 5) continue; // empty or evacuated
          const k = bucket + 8 + slot * keySlot;
          const v = bucket + 8 + 8 * keySlot + slot * elemSlot;
          out.push([layout.indirectKey ? this.word(k) : k, layout.indirectElem ? this.word(v) : v]);
        }
        bucket = this.word(bucket + layout.groupSize - 8);
      }
    }
    return out;
  }

  private scalar(type: GoType, address: number): string {
    const m = this.memory;
    this.check(address, type.size);
    switch (type.kind) {
      case 'bool': return m.getUint8(address) ? 'true' : 'false';
      case 'int8': return String(m.getInt8(address));
      case 'int16': return String(m.getInt16(address, true));
      case 'int32': return String(m.getInt32(address, true));
      case 'int':
      case 'int64': return String(m.getBigInt64(address, true));
      case 'uint8': return String(m.getUint8(address));
      case 'uint16': return String(m.getUint16(address, true));
      case 'uint32': return String(m.getUint32(address, true));
      case 'uint':
      case 'uint64':
      case 'uintptr': return String(m.getBigUint64(address, true));
      case 'float32': return formatFloat(m.getFloat32(address, true));
      case 'float64': return formatFloat(m.getFloat64(address, true));
      case 'complex64': return `(${formatFloat(m.getFloat32(address, true))} + ${formatFloat(m.getFloat32(address + 4, true))}i)`;
      case 'complex128': return `(${formatFloat(m.getFloat64(address, true))} + ${formatFloat(m.getFloat64(address + 8, true))}i)`;
      default: throw new Unreadable(address, type.size, `no reader for kind ${type.kind}`);
    }
  }

  private stringAt(address: number): string {
    const data = this.word(address);
    const length = this.word(address + 8);
    if (length === 0) return '';
    const shown = Math.min(length, STRING_LIMIT);
    this.check(data, shown);
    const text = utf8.decode(new Uint8Array(this.memory.buffer, this.memory.byteOffset + data, shown));
    return length > shown ? `${text}…(${length} bytes)` : text;
  }

  private check(address: number, size: number): void {
    if (!(address >= 0 && size >= 0 && address + size <= this.memory.byteLength)) {
      throw new Unreadable(address, size, `${size} bytes at ${hexAddress(address)} are outside linear memory (${this.memory.byteLength} bytes)`);
    }
  }

  private word(address: number): number {
    this.check(address, 8);
    return readWord(this.memory, address);
  }
}

/** cmd/compile's types.IsDirectIface: values an interface's data word holds itself. */
function isPointerShaped(type: GoType): boolean {
  switch (type.kind) {
    case 'pointer': case 'unsafe.Pointer': case 'chan': case 'map': case 'func': return true;
    case 'array': return type.length === 1 && !!type.elem && isPointerShaped(type.elem);
    case 'struct': return type.fields?.length === 1 && isPointerShaped(type.fields[0].type);
    default: return false;
  }
}

function hexAddress(address: number): string {
  return `0x${address.toString(16)}`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** Go's %v for floats: shortest representation, `+Inf`, `NaN`, and exponents for very large or small numbers. */
function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(value);
}
