// Function breakpoints on host calls. A name is `function`, `module.function`, or a glob over either
// (`path_*`, `env.*`, `*`); a condition is a JavaScript expression whose free names are the call's
// decoded arguments (`path.includes("config")`, `fd === 2 && iovs.startsWith("panic")`). JavaScript
// was chosen over a home-made mini language: users already know it, and it covers what they write.
import type { DecodedCall } from './hostCallDecoder';
import type { FunctionBreakpointSpec } from './debugWorkerProtocol';

type Condition = (scope: Record<string, unknown>) => unknown;

export interface CompiledBreakpoint {
  readonly spec: FunctionBreakpointSpec;
  matches(module: string, name: string): boolean;
  /** undefined when the condition is absent; throws the user's syntax error at compile time. */
  readonly condition?: Condition;
  hits: number;
  readonly hitTest?: (hits: number) => boolean;
}

/** Compiles one breakpoint; throws an Error whose message is fit to show beside the breakpoint. */
export function compileBreakpoint(spec: FunctionBreakpointSpec): CompiledBreakpoint {
  const pattern = spec.name.trim();
  const dot = pattern.lastIndexOf('.');
  const modulePattern = dot >= 0 ? globToRegExp(pattern.slice(0, dot)) : undefined;
  const namePattern = globToRegExp(dot >= 0 ? pattern.slice(dot + 1) : pattern);
  return {
    spec,
    matches: (module, name) => namePattern.test(name) && (!modulePattern || modulePattern.test(module)),
    condition: spec.condition?.trim() ? compileExpression(spec.condition) : undefined,
    hits: 0,
    hitTest: spec.hitCondition?.trim() ? compileHitCondition(spec.hitCondition) : undefined,
  };
}

/**
 * Compiles an expression over a scope object. `new Function` bodies are sloppy-mode code, so
 * `with` can expose the arguments as free names while unknown names still throw ReferenceError.
 */
export function compileExpression(expression: string): Condition {
  try {
    return new Function('scope', `with (scope) { return (${expression}\n); }`) as Condition;
  } catch (error) {
    throw new Error(`invalid expression: ${(error as Error).message}`, { cause: error });
  }
}

/** The names an expression sees: each decoded argument, plus `name`, `module` and, after the call, `errno`. */
export function expressionScope(call: DecodedCall): Record<string, unknown> {
  const scope: Record<string, unknown> = { name: call.name, module: call.module };
  for (const arg of call.arguments) scope[arg.name] = arg.value;
  if (call.result) {
    scope.errno = call.result.errnoName;
    for (const out of call.result.outputs) scope[out.name] = out.value;
  }
  return scope;
}

/** `3`, `>= 3`, `> 3`, `% 3`: which hits stop (line breakpoints use it too). */
export function compileHitCondition(text: string): (hits: number) => boolean {
  const match = /^\s*(>=|>|==|=|%)?\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`invalid hit count "${text}": use N, >= N, > N or % N`);
  const n = Number(match[2]);
  switch (match[1]) {
    case '>=': return (hits) => hits >= n;
    case '>': return (hits) => hits > n;
    case '%': return (hits) => n > 0 && hits % n === 0;
    default: return (hits) => hits === n;
  }
}

function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}
