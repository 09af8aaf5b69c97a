// The first 8 bytes decide whether we are looking at a core wasm module at all. When we are not,
// say what the bytes look like instead: "not wasm" alone does not help someone who passed the
// native Go binary, the .go file or a preview 2 component by mistake.
import { WasmFormatError } from './wasmFormatError';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Throws WasmFormatError unless bytes start with the magic and version 1 of a core module. */
export function checkModuleHeader(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new WasmFormatError('not-wasm', 'not a WebAssembly module: the file is empty', 0);
  for (let i = 0; i < 4; i++) {
    if (i >= bytes.length) {
      throw new WasmFormatError('truncated', `truncated module header: the file ends at byte ${bytes.length}, inside the 8-byte wasm header`, bytes.length, 'module header');
    }
    if (bytes[i] !== WASM_MAGIC[i]) {
      throw new WasmFormatError('not-wasm', `not a WebAssembly module: ${describeForeignBytes(bytes)}`, 0);
    }
  }
  if (bytes.length < 8) {
    throw new WasmFormatError('truncated', `truncated module header: the file ends at byte ${bytes.length}, inside the 8-byte wasm header`, bytes.length, 'module header');
  }
  const version = bytes[4] | (bytes[5] << 8);
  const layer = bytes[6] | (bytes[7] << 8);
  if (layer === 1) {
    throw new WasmFormatError(
      'component',
      'this is a WebAssembly component (WASI preview 2), not a preview 1 module; build with GOOS=wasip1 GOARCH=wasm, or run it with a component runtime such as wasmtime',
      4,
    );
  }
  if (layer !== 0 || version !== 1) {
    throw new WasmFormatError('unsupported-version', `unsupported WebAssembly version ${version} (layer ${layer}); only version 1 core modules are supported`, 4);
  }
}

function describeForeignBytes(bytes: Uint8Array): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0x7f && b1 === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    return 'this is an ELF executable (a native binary); build with GOOS=wasip1 GOARCH=wasm to get a .wasm module';
  }
  if (b0 === 0x4d && b1 === 0x5a) return 'this is a Windows PE executable (a native binary); build with GOOS=wasip1 GOARCH=wasm';
  const be = ((b0 << 24) | (b1 << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (be === 0xfeedface || be === 0xfeedfacf || be === 0xcefaedfe || be === 0xcffaedfe || be === 0xcafebabe) {
    return 'this is a Mach-O executable (a native binary); build with GOOS=wasip1 GOARCH=wasm';
  }
  if (b0 === 0x50 && b1 === 0x4b) return 'this is a zip archive';
  if (b0 === 0x1f && b1 === 0x8b) return 'this is gzip-compressed; decompress it first';
  if (looksLikeText(bytes)) {
    const head = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 512))).trimStart();
    if (head.startsWith('(module') || head.startsWith('(component')) {
      return 'this is WebAssembly text (.wat); assemble it to a binary first (e.g. wat2wasm)';
    }
    if (/^package\s+\w+/m.test(head) || head.startsWith('//')) return 'this looks like Go source text; build it with GOOS=wasip1 GOARCH=wasm go build';
    if (head.startsWith('#!')) return 'this is a script (it starts with #!)';
    return 'this is a text file';
  }
  const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `it starts with bytes ${hex} instead of 00 61 73 6d ("\\0asm")`;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return false;
  }
  return true;
}
