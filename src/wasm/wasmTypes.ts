// The shapes a parsed module is described with. Plain data: the host, the debug adapter and the
// editor views all consume them, and tests compare them with deepEqual.

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FuncType {
  params: ValueType[];
  results: ValueType[];
}

export interface Limits {
  min: number;
  max?: number;
  /** Threads proposal: memory shared between agents. */
  shared?: boolean;
  /** memory64 proposal: indices are i64. */
  memory64?: boolean;
}

export interface TableType {
  elementType: ValueType;
  limits: Limits;
}

export interface GlobalType {
  valueType: ValueType;
  mutable: boolean;
}

/** A constant expression, as used by global initialisers and active data/element segment offsets. */
export type InitExpr =
  | { op: 'i32.const'; value: number }
  | { op: 'i64.const'; value: bigint }
  | { op: 'f32.const' | 'f64.const'; value: number }
  | { op: 'global.get'; index: number }
  | { op: 'ref.null' }
  | { op: 'ref.func'; index: number }
  /** Extended-const arithmetic we do not evaluate. */
  | { op: 'expression' };

export type WasmImport =
  | { module: string; name: string; kind: 'func'; typeIndex: number; type: FuncType }
  | { module: string; name: string; kind: 'table'; table: TableType }
  | { module: string; name: string; kind: 'memory'; limits: Limits }
  | { module: string; name: string; kind: 'global'; global: GlobalType }
  | { module: string; name: string; kind: 'tag'; typeIndex: number };

export type ExternalKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface WasmExport {
  name: string;
  kind: ExternalKind;
  index: number;
  /** For function exports: the signature. */
  type?: FuncType;
}

export interface WasmGlobal {
  type: GlobalType;
  init: InitExpr;
}

export interface DataSegment {
  /** Active segments are copied into memory at instantiation; passive ones by memory.init. */
  mode: 'active' | 'passive';
  memoryIndex: number;
  /** Destination address, when the offset expression is a constant. */
  memoryOffset?: number;
  /** Where the segment's bytes start in the file. */
  fileOffset: number;
  size: number;
}

export interface SectionInfo {
  id: number;
  /** 'type', 'import', ..., or the custom section's own name. */
  name: string;
  /** Offset of the section id byte. */
  headerOffset: number;
  /** Offset of the section's contents (after the size), and their length. */
  offset: number;
  size: number;
}

/** `(i32, i64) -> i32`; `() -> ()` for the empty signature; several results are parenthesised. */
export function formatFuncType(type: FuncType): string {
  const params = '(' + type.params.join(', ') + ')';
  const results = type.results.length === 1 ? type.results[0] : '(' + type.results.join(', ') + ')';
  return `${params} -> ${results}`;
}
