// The Go variables of a stopped frame, as the debug worker hands them to the session: Arguments,
// Locals (in lexical scope, shadowed names told apart) and the package's Globals, each a GoValue that
// expands lazily. Knows nothing of DAP: values are referred to by numbers that live until the guest
// runs again. The compiler's DWARF comes from the debug-information build (goDebugInfoBuild), which
// arrives after the program has started; until then, and for a function whose frame differs between
// the two builds, the frame says so instead of guessing.
import { frameMismatches } from '../gotool/goDebugInfoBuild';
import type { LocalSlot } from './conditionProbes';
import { assignmentBytes, display, evaluateGo, GoExpressionError, type GoExpressionNode, parseGoExpression } from './goExpression';
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

  /** The debug information has not arrived yet (it is built beside the running program). */
  get pending(): boolean {
    return !this.settled;
  }
  private settled = false;

  /** The debug-information build's listing, or why there is none. */
  setDebugInfo(listing: string | undefined, problem?: string): void {
    this.settled = true;
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

  /** A Go expression over the frame's variables (goExpression): what hover, watch and the console ask. */
  evaluate(expression: string, frame: VariableFrame, memory: DataView): ShownVariable {
    const result = evaluateGo(parseGoExpression(expression), this.lookup(frame, memory));
    if (result.t === 'value') return this.show(result.value);
    const { value, type } = display(result);
    return { name: expression, type, value, reference: 0 };
  }

  /**
   * Sets `name`, a bool or number shown under `reference`, to the value of a Go expression over
   * `frame`'s variables, writing it into the guest's memory; returns the variable as it now reads.
   */
  setVariable(reference: number, name: string, expression: string, frame: VariableFrame, memory: DataView): ShownVariable {
    const entry = this.handles[reference - 1];
    if (!entry) throw new GoExpressionError('the variable is no longer shown: the program has moved on');
    const index = /^\[(\d+)\]$/.exec(name)?.[1];
    const candidates = typeof entry === 'function' ? entry() : index !== undefined ? entry.children?.(Number(index), 1) ?? [] : entry.children?.() ?? [];
    const target = candidates.find((v) => v.name === name);
    if (!target) throw new GoExpressionError(`${name} is not shown here`);
    if (target.address === undefined) throw new GoExpressionError(`${name} has no address in memory to write`);
    const bytes = assignmentBytes(target, evaluateGo(parseGoExpression(expression), this.lookup(frame, memory)));
    if (target.address + bytes.length > memory.byteLength) throw new GoExpressionError(`${name} is outside the guest's memory`);
    new Uint8Array(memory.buffer, memory.byteOffset + target.address, bytes.length).set(bytes);
    return this.show(this.reader(memory).readVariable(target.name, target.type, target.address, bytes.length));
  }

  /** A breakpoint's condition at this frame; an error says why it cannot be evaluated. */
  test(condition: GoExpressionNode, frame: VariableFrame, memory: DataView): boolean {
    const result = evaluateGo(condition, this.lookup(frame, memory));
    if (result.t !== 'bool') throw new GoExpressionError(`the condition is ${display(result).type}, not bool`);
    return result.v;
  }

  /** A logpoint's message with each `{expression}` replaced by its value (or the reason it has none). */
  interpolate(message: string, frame: VariableFrame, memory: DataView): string {
    const lookup = this.lookup(frame, memory);
    return message.replace(/\{([^{}]+)\}/g, (_, expression: string) => {
      try {
        const result = evaluateGo(parseGoExpression(expression), lookup);
        return result.t === 'string' ? result.v : display(result).value;
      } catch (error) {
        return `<${(error as Error).message}>`;
      }
    });
  }

  /** Where a local of the frame lives, relative to its SP, for a condition compiled to wasm; undefined when it may move or is not known. */
  slot(frame: VariableFrame, name: string): LocalSlot | undefined {
    const dwarf = this.dwarfListing();
    if (!dwarf || frame.pc === undefined) return undefined;
    const fn = this.dwarfFunction(frame.name, dwarf);
    if ('error' in fn) return undefined;
    const v = variablesInScope(fn, (frame.pc & 0xffff) - (frame.atStatement ? 0 : 1), frame.line).find((c) => c.name === name && !c.shadowed);
    if (!v || v.onHeap || v.cfaOffset === undefined) return undefined;
    return { offsetFromSp: this.pclntab.frameSize(frame.pc) + 8 + v.cfaOffset, type: v.typeName };
  }

  /** Reads only the variables an expression names, each once: a condition costs what it uses. */
  private lookup(frame: VariableFrame, memory: DataView): (name: string) => GoValue | undefined {
    const read = new Map<string, GoValue | undefined>();
    let visible: ReturnType<typeof variablesInScope> | undefined;
    let context: { sp: number; frameSize: number } | undefined;
    return (name) => {
      if (read.has(name)) return read.get(name);
      let value: GoValue | undefined;
      const dwarf = this.dwarfListing();
      if (!dwarf) throw new GoExpressionError(this.problem);
      if (frame.pc !== undefined && frame.sp !== undefined) {
        const fn = this.dwarfFunction(frame.name, dwarf);
        if ('error' in fn) throw new GoExpressionError(fn.error);
        visible ??= variablesInScope(fn, (frame.pc & 0xffff) - (frame.atStatement ? 0 : 1), frame.line);
        context ??= { sp: frame.sp, frameSize: this.pclntab.frameSize(frame.pc) };
        const v = visible.find((candidate) => candidate.name === name && !candidate.shadowed);
        const address = v && frameAddress(v, context.sp, context.frameSize, memory);
        if (v && address !== undefined) value = this.reader(memory).readVariable(name, v.typeName, address);
      }
      value ??= this.globalValues(frame, memory).find((g) => g.name === name || g.name.endsWith('.' + name));
      read.set(name, value);
      return value;
    };
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

/** `main` of `main.f`, `example.com/m/pkg` of `example.com/m/pkg.(*T).M`. */
function packageOf(qualified: string): string {
  const slash = qualified.lastIndexOf('/');
  const dot = qualified.indexOf('.', slash + 1);
  return dot < 0 ? qualified : qualified.slice(0, dot);
}
