// The Go variables of a stopped frame, as the debug worker hands them to the session: Arguments,
// Locals (in lexical scope, shadowed names told apart) and the package's Globals, each a GoValue that
// expands lazily. Knows nothing of DAP: values are referred to by numbers that live until the guest
// runs again. The compiler's DWARF comes from the debug-information build (goDebugInfoBuild), which
// arrives after the program has started; until then, and for a function whose frame differs between
// the two builds, the frame says so instead of guessing.
import { frameMismatches } from '../gotool/goDebugInfoBuild';
import { decodeDwarfFunction, frameAddress, type GoDwarfFunction, variablesInScope } from '../wasm/goDwarf';
import { type DwarfListing, parseDwarfListing } from '../wasm/goDwarfListing';
import { findGlobals, type GoGlobal } from '../wasm/goGlobals';
import type { AssemblyListing } from '../wasm/goAssemblyListing';
import type { GoPclntab } from '../wasm/goPclntab';
import { GoTypeTable } from '../wasm/goTypes';
import { type GoValue, GoValueReader } from '../wasm/goValues';
import type { WasmModule } from '../wasm/moduleReader';

/** A frame as the stack walker gave it. */
export interface VariableFrame {
  name: string;
  pc?: number;
  sp?: number;
  line?: number;
  /** The frame is stopped at a statement (its PC is the site's, not a return address). */
  atStatement?: boolean;
}

export interface ShownVariable {
  name: string;
  type: string;
  value: string;
  /** 0 when it does not expand. */
  reference: number;
  indexedCount?: number;
  namedCount?: number;
  address?: number;
}

export interface FrameScopes {
  arguments: number;
  locals: number;
  globals: number;
}

export class GoFrameVariables {
  private dwarf: DwarfListing | undefined;
  private dwarfText: string | undefined;
  private problem = 'The debug information is still being built: look again in a moment.';
  private readonly functions = new Map<string, GoDwarfFunction | { error: string }>();
  private mismatched: Set<string> | undefined;
  private globals: GoGlobal[] | undefined;
  private types: GoTypeTable | undefined;
  /** Values and lists handed out since the guest last ran. */
  private readonly handles: (GoValue | (() => GoValue[]))[] = [];

  constructor(
    private readonly module: WasmModule,
    private readonly pclntab: GoPclntab,
    private readonly listing: AssemblyListing | undefined,
    private readonly assemblyText: string | undefined,
  ) {}

  /** The debug-information build's listing, or why there is none. */
  setDebugInfo(listing: string | undefined, problem?: string): void {
    this.dwarfText = listing;
    this.dwarf = undefined;
    if (problem) this.problem = problem;
    else if (!listing) this.problem = 'No debug information: the program was not built from Go source by this debugger.';
  }

  /** Forgets every handle: the guest is about to run and values may change. */
  resume(): void {
    this.handles.length = 0;
  }

  scopes(frame: VariableFrame, memory: DataView): FrameScopes {
    const values = this.frameValues(frame, memory);
    return {
      arguments: this.handle(() => values.arguments),
      locals: this.handle(() => values.locals),
      globals: this.handle(() => this.globalValues(frame, memory)),
    };
  }

  /** The children of a handle: a scope's variables, or a value's fields and elements. */
  variables(reference: number, start?: number, count?: number): ShownVariable[] {
    const entry = this.handles[reference - 1];
    if (!entry) return [];
    const values = typeof entry === 'function' ? entry() : entry.children?.(start, count) ?? [];
    return values.map((v) => this.show(v));
  }

  /** A name or a selector path over the frame's variables (`p.X`, `items[2]`, `m["k"]`): what hover and watch ask. */
  evaluate(expression: string, frame: VariableFrame, memory: DataView): ShownVariable {
    const path = /^\s*([A-Za-z_][\w]*)((?:\s*(?:\.[A-Za-z_]\w*|\[\s*(?:-?\d+|"(?:[^"\\]|\\.)*")\s*\]))*)\s*$/.exec(expression);
    if (!path) throw new Error(`cannot evaluate "${expression}": only variables, fields, indexes and map keys are understood yet`);
    const { arguments: args, locals } = this.frameValues(frame, memory);
    let value: GoValue | undefined = [...locals, ...args].find((v) => v.name === path[1]) ?? this.globalValues(frame, memory).find((v) => v.name === path[1] || v.name.endsWith('.' + path[1]));
    if (!value) throw new Error(`${path[1]} is not a variable in scope here`);
    const steps = path[2].match(/\.[A-Za-z_]\w*|\[\s*(?:-?\d+|"(?:[^"\\]|\\.)*")\s*\]/g) ?? [];
    for (const step of steps) {
      const current: GoValue = value;
      const children: GoValue[] = current.children?.() ?? [];
      const key = step.startsWith('.') ? step.slice(1) : step.replace(/^\[\s*|\s*\]$/g, '');
      let next: GoValue | undefined;
      if (step.startsWith('.')) {
        // A pointer's fields are reached through it, as Go does.
        next = children.find((c) => c.name === key) ?? promotedField(children, key);
      } else if (/^-?\d+$/.test(key)) {
        next = current.children?.(Number(key), 1)[0];
      } else {
        next = children.find((c) => c.name === key || c.name === `[${key}]`);
      }
      if (!next) throw new Error(`${expression}: no ${step} in ${current.name} (${current.type})`);
      value = next;
    }
    return this.show(value);
  }

  private show(value: GoValue): ShownVariable {
    const expands = value.children !== undefined && ((value.indexedCount ?? 0) > 0 || (value.namedCount ?? 0) > 0);
    return {
      name: value.name,
      type: value.type,
      value: value.value,
      reference: expands ? this.handle(value) : 0,
      indexedCount: value.indexedCount,
      namedCount: value.namedCount,
      address: value.address,
    };
  }

  private handle(entry: GoValue | (() => GoValue[])): number {
    this.handles.push(entry);
    return this.handles.length;
  }

  private frameValues(frame: VariableFrame, memory: DataView): { arguments: GoValue[]; locals: GoValue[] } {
    const note = (text: string): { arguments: GoValue[]; locals: GoValue[] } => ({ arguments: [], locals: [{ name: '(no variables)', type: '', value: text }] });
    if (frame.pc === undefined || frame.sp === undefined) return note('This frame is not Go code.');
    const dwarf = this.dwarfListing();
    if (!dwarf) return note(this.problem);
    const fn = this.dwarfFunction(frame.name, dwarf);
    if ('error' in fn) return note(fn.error);
    // A caller is positioned at its call: the block before the return address, sized there, as the stack walker does.
    const pcB = (frame.pc & 0xffff) - (frame.atStatement ? 0 : 1);
    const frameSize = this.pclntab.frameSize(frame.pc);
    const reader = this.reader(memory);
    const args: GoValue[] = [];
    const locals: GoValue[] = [];
    for (const v of variablesInScope(fn, pcB, frame.line)) {
      const address = frameAddress(v, frame.sp, frameSize, memory);
      const name = v.shadowed ? `(${v.name})` : v.name;
      const value = address === undefined ? { name, type: v.typeName, value: `<${v.locationProblem ?? 'no address'}>` } : reader.readVariable(name, v.typeName, address);
      (v.isParameter ? args : locals).push(value);
    }
    return { arguments: args, locals };
  }

  private globalValues(frame: VariableFrame, memory: DataView): GoValue[] {
    const dwarf = this.dwarfListing();
    if (!dwarf || !this.listing) return [];
    this.globals ??= findGlobals(this.module, this.pclntab, this.listing, dwarf);
    const pkg = packageOf(frame.name);
    const reader = this.reader(memory);
    return this.globals
      .filter((g) => packageOf(g.name) === pkg)
      .map((g) => (g.address === undefined ? { name: g.name, type: g.typeName, value: '<no code of this program uses it: its address is unknown>' } : reader.readVariable(g.name, g.typeName, g.address)));
  }

  private reader(memory: DataView): GoValueReader {
    const dwarf = this.dwarf as DwarfListing;
    if (!this.types) this.types = new GoTypeTable(memory, this.pclntab, dwarf.types);
    else this.types.useMemory(memory);
    return new GoValueReader(memory, this.types, this.pclntab);
  }

  private dwarfListing(): DwarfListing | undefined {
    if (!this.dwarf && this.dwarfText) this.dwarf = parseDwarfListing(this.dwarfText);
    return this.dwarf;
  }

  private dwarfFunction(name: string, dwarf: DwarfListing): GoDwarfFunction | { error: string } {
    let fn = this.functions.get(name);
    if (fn) return fn;
    this.mismatched ??= this.assemblyText && this.dwarfText ? frameMismatches(this.assemblyText, this.dwarfText) : new Set();
    const listed = dwarf.functions.get(name);
    if (this.mismatched.has(name)) fn = { error: `${name} was laid out differently in the debug-information build: its variables are not shown.` };
    else if (!listed) fn = { error: `No debug information for ${name}: only the main module's packages are built with it.` };
    else fn = decodeDwarfFunction(listed);
    this.functions.set(name, fn);
    return fn;
  }
}

/**
 * A field reached through a pointer or an embedded struct, as Go's selectors reach it: breadth first,
 * so the shallowest one wins as in Go.
 */
function promotedField(children: GoValue[], key: string): GoValue | undefined {
  let level = children;
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const next: GoValue[] = [];
    for (const child of level) {
      for (const grandchild of child.children?.() ?? []) {
        if (grandchild.name === key) return grandchild;
        next.push(grandchild);
      }
    }
    level = next.slice(0, 256);
  }
  return undefined;
}

/** `main` of `main.f`, `example.com/m/pkg` of `example.com/m/pkg.(*T).M`. */
function packageOf(qualified: string): string {
  const slash = qualified.lastIndexOf('/');
  const dot = qualified.indexOf('.', slash + 1);
  return dot < 0 ? qualified : qualified.slice(0, dot);
}
