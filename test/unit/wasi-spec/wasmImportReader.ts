// Test oracle: reads the function imports of a .wasm file and their types straight from the binary,
// independent of src/wasm, so the catalogue is checked against what the Go toolchain really emitted.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64';

export interface FunctionImport {
  module: string;
  name: string;
  params: ValType[];
  results: ValType[];
}

const valTypes: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };

export function readFunctionImports(bytes: Uint8Array): FunctionImport[] {
  let pos = 8; // magic + version
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  };
  const name = (): string => {
    const len = u32();
    const text = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return text;
  };
  const valType = (): ValType => {
    const t = valTypes[bytes[pos++]];
    if (!t) throw new Error(`unexpected value type 0x${bytes[pos - 1].toString(16)} at ${pos - 1}`);
    return t;
  };
  const limits = (): void => {
    const flags = bytes[pos++];
    u32();
    if (flags & 1) u32();
  };

  const types: { params: ValType[]; results: ValType[] }[] = [];
  const imports: FunctionImport[] = [];
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        if (bytes[pos++] !== 0x60) throw new Error('only plain function types are expected');
        const params = Array.from({ length: u32() }, valType);
        const results = Array.from({ length: u32() }, valType);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const module = name();
        const field = name();
        const kind = bytes[pos++];
        if (kind === 0) imports.push({ module, name: field, ...types[u32()] });
        else if (kind === 1) { pos++; limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) pos += 2;
        else throw new Error(`unsupported import kind ${kind}`);
      }
      break; // nothing after the import section is needed
    }
    pos = end;
  }
  return imports;
}
