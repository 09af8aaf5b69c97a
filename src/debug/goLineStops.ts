// Where the guest stops on Go source lines: line breakpoints, stepping and pause, decided at the
// statement probes (src/wasm/goStatementProbes.ts). Knows nothing of DAP: the debug worker asks it,
// at each probe, whether to stop, and tells it where a stop left the program so a step can start.
//
// Steps follow one goroutine (Go's g, wasm global 2) and compare frames by their depth below the top
// of that goroutine's stack (g.stack.hi − SP), which, unlike SP itself, survives Go moving a growing
// stack. Only the functions a request can stop in are armed: a breakpoint's functions, the stack's
// functions for Step Over and Step Out, every function for Step Into and Pause; and each site has its
// own flag, so a breakpoint in a function with a hot loop costs nothing at the loop's other lines.
import type { GoPclntab } from '../wasm/goPclntab';
import { GO_FUNC_VALUE_OFFSET } from '../wasm/goPclntab';
import { type StatementSites, SiteFlag } from '../wasm/goStatementSites';
import { PROBE_EXPORTS } from '../wasm/goStatementProbes';
import { compileHitCondition } from './functionBreakpoints';
import { type GoExpressionNode, parseGoExpression } from './goExpression';
import { readWord } from '../wasm/memoryWords';

export interface LineBreakpointSpec {
  id: number;
  /** Absolute path of the source file, as the client names it. */
  file: string;
  line: number;
  /** A Go expression (goExpression); the breakpoint counts a hit only where it holds. */
  condition?: string;
  hitCondition?: string;
  /** A logpoint: the message, its `{expressions}` evaluated, is logged and the program runs on. */
  logMessage?: string;
}

/** Evaluates conditions and logpoint messages at a site (the debug worker, which can read variables). */
export interface SiteEvaluator {
  test(condition: GoExpressionNode, site: number): boolean;
  log(message: string, site: number): void;
}

export interface ResolvedLineBreakpoint {
  id: number;
  verified: boolean;
  /** The line it was moved to: the first line at or after the requested one where the program can stop. */
  line?: number;
  message?: string;
}

export type StepKind = 'over' | 'into' | 'out';

/** A frame a step starts from: its function's PC and its SP (the walker's frame). */
export interface StepOrigin {
  pc: number;
  sp: number;
  line: number;
}

export type LineStop = { reason: 'breakpoint'; hitBreakpointIds: number[]; conditionErrors?: string[] } | { reason: 'step' } | { reason: 'pause' };

interface ActiveBreakpoint {
  spec: LineBreakpointSpec;
  hits: number;
  hitTest?: (hits: number) => boolean;
  condition?: GoExpressionNode;
}

interface ActiveStep {
  kind: StepKind;
  g: number;
  depth: number;
  definedFunction: number;
  line: number;
}

const PC_B_LIMIT = 0x10000;

export class GoLineStops {
  /** The armed flags (a site's own, or its function's), and what each is set to now. */
  private readonly armed: WebAssembly.Global[];
  private readonly armedNow: Uint8Array;
  private readonly wanted: Uint8Array;
  private readonly spGlobal: WebAssembly.Global;
  private readonly gGlobal: WebAssembly.Global;
  private readonly budget: WebAssembly.Global;
  /** Site → the breakpoints on it. */
  private bySite = new Map<number, ActiveBreakpoint[]>();
  private step: ActiveStep | undefined;
  private stepFunctions: Set<number> | 'all' | undefined;
  private pausing = false;
  /** Functions armed whatever else happens (runtime.fatalpanic, while the panic filter is on). */
  private readonly alwaysFunctions = new Set<number>();
  private alwaysOn = false;
  /** Per file (as compiled), statement lines → their sites. */
  private readonly linesByFile = new Map<string, Map<number, number[]>>();
  private readonly sortedLines = new Map<string, number[]>();

  /** Set by the worker once it can read variables; without it conditions hold and logpoints stop. */
  evaluator: SiteEvaluator | undefined;

  constructor(
    readonly sites: StatementSites,
    private readonly siteFlag: Uint32Array,
    flagCount: number,
    exports: WebAssembly.Exports,
    private readonly memory: () => DataView,
    private readonly pclntab: GoPclntab,
  ) {
    this.spGlobal = exports[PROBE_EXPORTS.stackPointer] as WebAssembly.Global;
    this.gGlobal = exports[PROBE_EXPORTS.goroutine] as WebAssembly.Global;
    this.budget = exports[PROBE_EXPORTS.budget] as WebAssembly.Global;
    this.armed = Array.from({ length: flagCount }, (_, flag) => exports[PROBE_EXPORTS.armedPrefix + flag] as WebAssembly.Global);
    this.armedNow = new Uint8Array(flagCount);
    this.wanted = new Uint8Array(flagCount);
    for (let s = 0; s < sites.count; s++) {
      if (!(sites.flags[s] & SiteFlag.statement)) continue;
      const file = sites.files[sites.file[s]];
      let lines = this.linesByFile.get(file);
      if (!lines) this.linesByFile.set(file, (lines = new Map()));
      const line = sites.line[s];
      const list = lines.get(line);
      if (list) list.push(s);
      else lines.set(line, [s]);
    }
    for (const [file, lines] of this.linesByFile) this.sortedLines.set(file, [...lines.keys()].sort((a, b) => a - b));
  }

  /** Every file with statements, and its lines in order: what the session verifies breakpoints with. */
  statementLines(): Record<string, number[]> {
    return Object.fromEntries(this.sortedLines);
  }

  setBreakpoints(specs: readonly LineBreakpointSpec[]): ResolvedLineBreakpoint[] {
    const bySite = new Map<number, ActiveBreakpoint[]>();
    const resolved = specs.map((spec): ResolvedLineBreakpoint => {
      let hitTest: ((hits: number) => boolean) | undefined;
      let condition: GoExpressionNode | undefined;
      try {
        hitTest = spec.hitCondition?.trim() ? compileHitCondition(spec.hitCondition) : undefined;
        condition = spec.condition?.trim() ? parseGoExpression(spec.condition) : undefined;
      } catch (error) {
        return { id: spec.id, verified: false, message: (error as Error).message };
      }
      const at = nearestStatementLine(this.sortedLines, spec.file, spec.line);
      const found = at && { line: at.line, sites: this.linesByFile.get(at.file)?.get(at.line) ?? [] };
      if (!found) return { id: spec.id, verified: false, message: `No Go code at or after line ${spec.line} of ${spec.file} in this program.` };
      const active: ActiveBreakpoint = { spec, hits: 0, hitTest, condition };
      for (const site of found.sites) {
        const list = bySite.get(site);
        if (list) list.push(active);
        else bySite.set(site, [active]);
      }
      return { id: spec.id, verified: true, line: found.line };
    });
    this.bySite = bySite;
    this.rearm();
    return resolved;
  }

  /** Starts a step from a stop; `stack` are the stopped goroutine's frames (innermost first, the origin among them). */
  startStep(kind: StepKind, origin: StepOrigin, stack: readonly { pc: number }[]): void {
    const g = Number(this.gGlobal.value);
    this.step = {
      kind,
      g,
      depth: this.stackTop(g) - origin.sp,
      definedFunction: definedFunctionOf(origin.pc),
      line: origin.line,
    };
    if (kind === 'into') this.stepFunctions = 'all';
    else this.stepFunctions = new Set(stack.map((f) => definedFunctionOf(f.pc)));
    this.rearm();
  }

  /** A step is under way. */
  get stepping(): boolean {
    return this.step !== undefined;
  }

  /** No step or pause needs every site: a site may be passed over where its conditions are false. */
  get filtering(): boolean {
    return this.step === undefined && !this.pausing;
  }

  /** Sites whose breakpoints all have conditions (and log nothing), with those conditions. */
  conditionalSites(): Map<number, GoExpressionNode[]> {
    const result = new Map<number, GoExpressionNode[]>();
    for (const [site, breakpoints] of this.bySite) {
      if (breakpoints.every((bp) => bp.condition && bp.spec.logMessage === undefined)) result.set(site, breakpoints.map((bp) => bp.condition as GoExpressionNode));
    }
    return result;
  }

  /** Called after every change of what is armed (breakpoints, steps, pause). */
  onRearm: (() => void) | undefined;

  /** Stop at the next statement any goroutine reaches. */
  pause(): void {
    this.pausing = true;
    this.stepFunctions = 'all';
    this.rearm();
  }

  /** Called when the program stops for any reason: a step or pause in progress is over. */
  stopped(): void {
    if (!this.step && !this.pausing) return;
    this.step = undefined;
    this.pausing = false;
    this.stepFunctions = undefined;
    this.rearm();
  }

  /** Keeps a function armed (when `on`), e.g. to catch a panic; undefined only switches. */
  alwaysArm(definedFunction: number | undefined, on: boolean): void {
    if (definedFunction !== undefined) this.alwaysFunctions.add(definedFunction);
    this.alwaysOn = on;
    this.rearm();
  }

  resetBudget(value: number): void {
    this.budget.value = value;
  }

  /** The decision at a probe; undefined to run on. */
  atSite(site: number): LineStop | undefined {
    const sites = this.sites;
    const statement = (sites.flags[site] & SiteFlag.statement) !== 0;
    const breakpoints = statement ? this.bySite.get(site) : undefined;
    if (breakpoints) {
      const hit: number[] = [];
      const conditionErrors: string[] = [];
      for (const bp of breakpoints) {
        if (bp.condition && this.evaluator) {
          try {
            if (!this.evaluator.test(bp.condition, site)) continue;
          } catch (error) {
            // Stopping says why the condition could not be told, where a silent skip would hide it.
            conditionErrors.push(`${bp.spec.condition}: ${(error as Error).message}`);
          }
        }
        bp.hits++;
        if (bp.hitTest && !bp.hitTest(bp.hits)) continue;
        if (bp.spec.logMessage !== undefined && !conditionErrors.length) {
          this.evaluator?.log(bp.spec.logMessage, site);
          continue;
        }
        hit.push(bp.spec.id);
      }
      if (hit.length) return { reason: 'breakpoint', hitBreakpointIds: hit, ...(conditionErrors.length ? { conditionErrors } : {}) };
    }
    if (this.pausing && statement) return { reason: 'pause' };
    const step = this.step;
    if (!step) return undefined;
    const g = Number(this.gGlobal.value);
    if (g !== step.g) return undefined;
    const depth = this.stackTop(g) - (this.spGlobal.value as number);
    if (depth < step.depth) return { reason: 'step' };
    if (step.kind === 'out' || !statement) return undefined;
    if (depth === step.depth) {
      const same = sites.definedFunction[site] === step.definedFunction && sites.line[site] === step.line;
      return same ? undefined : { reason: 'step' };
    }
    return step.kind === 'into' ? { reason: 'step' } : undefined;
  }

  /** Go PC of a site: the stack walker's starting point. */
  sitePC(site: number): number {
    return this.sites.pc[site];
  }

  /** The current Go SP (wasm global 0). */
  stackPointer(): number {
    return this.spGlobal.value as number;
  }

  /** The current goroutine's g pointer. */
  goroutine(): number {
    return Number(this.gGlobal.value);
  }

  /** Whether a frame's function can be stepped in (has statement sites). */
  hasSites(pc: number): boolean {
    const f = definedFunctionOf(pc);
    return f >= 0 && f + 1 < this.sites.functionStart.length && this.sites.functionStart[f + 1] > this.sites.functionStart[f];
  }

  /** g.stack.hi: the goroutine's stack is [g.stack.lo, g.stack.hi), the first two words of runtime.g. */
  private stackTop(g: number): number {
    const view = this.memory();
    if (g <= 0 || g + 16 > view.byteLength) return 0;
    return readWord(view, g + 8);
  }

  private rearm(): void {
    const all = this.stepFunctions === 'all';
    const stepping = this.stepFunctions instanceof Set ? this.stepFunctions : undefined;
    const { definedFunction, count } = this.sites;
    const wanted = this.wanted;
    wanted.fill(0);
    for (let s = 0; s < count; s++) {
      const f = definedFunction[s];
      if (all || this.bySite.has(s) || (stepping?.has(f) ?? false) || (this.alwaysOn && this.alwaysFunctions.has(f))) wanted[this.siteFlag[s]] = 1;
    }
    for (let flag = 0; flag < wanted.length; flag++) {
      if (this.armedNow[flag] !== wanted[flag]) {
        this.armedNow[flag] = wanted[flag];
        this.armed[flag].value = wanted[flag];
      }
    }
    this.onRearm?.();
  }

  /** The pclntab the sites came from, for the worker's stack walks. */
  get table(): GoPclntab {
    return this.pclntab;
  }
}

export function definedFunctionOf(pc: number): number {
  return Math.floor(pc / PC_B_LIMIT) - GO_FUNC_VALUE_OFFSET;
}

/**
 * Where a breakpoint at file:line lands: that line, or the next line of the file that has a statement.
 * Files match by path, or failing that by their longest common tail (a symlinked checkout, another
 * drive letter), as long as at least the file name and its folder agree. `files` maps each file to its
 * statement lines in ascending order.
 */
export function nearestStatementLine(files: ReadonlyMap<string, readonly number[]>, file: string, line: number): { file: string; line: number } | undefined {
  let found = files.has(file) ? file : undefined;
  if (!found) {
    const wanted = file.replace(/\\/g, '/').split('/');
    let best = 1;
    for (const candidate of files.keys()) {
      const parts = candidate.split('/');
      let common = 0;
      while (common < parts.length && common < wanted.length && parts[parts.length - 1 - common] === wanted[wanted.length - 1 - common]) common++;
      if (common > best) {
        best = common;
        found = candidate;
      }
    }
  }
  const lines = found ? files.get(found) : undefined;
  if (!found || !lines) return undefined;
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid] < line) lo = mid + 1;
    else hi = mid;
  }
  return lo < lines.length ? { file: found, line: lines[lo] } : undefined;
}
