// How a program is built for source-level debugging. The packages of the user's own module are built
// as Delve builds them, optimisations and inlining off (`-N -l`), so every statement keeps its own code
// in order and every call its frame; and with `-S`: gc's listing gives the line of each instruction,
// where the module's pclntab keeps only the last line of each PC_B block, so the debugger can stop
// before any statement of theirs. Everything else (GOROOT, dependencies) stays optimised by default:
// a program whose hot loops are in the standard library (hashing, encoding, sorting) then runs at
// nearly its Run speed under the debugger, where `all=-N -l` alone doubles its time. Scope "all"
// builds every package with `-N -l` as Delve does, for stepping into them line by line (they get
// no listing: the runtime alone prints some 80 MB; their pclntab's block lines serve).
import { runGo, type GoCommand } from './runGo';
import { resolveTarget } from './wasip1Build';

export const NO_OPTIMISATION_FLAGS = '-N -l';

export type DebugBuildScope = 'module' | 'all';

export interface DebugBuildOptions {
  go: GoCommand;
  /** As given to buildWasip1: a package directory, a .go file or an import path. */
  packagePath: string;
  cwd?: string;
  /** The build's own flags (tags matter to which packages there are). */
  buildFlags?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** The program is a package's test binary (go test -c). */
  test?: boolean;
  /** "module" (default): only the main module's packages unoptimised; "all": every package (-gcflags=all=-N -l). */
  scope?: DebugBuildScope;
  signal?: AbortSignal;
}

/** The -gcflags a debug build adds after the user's own (a later pattern wins where both match). */
export async function debugBuildFlags(options: DebugBuildOptions): Promise<string[]> {
  const flags = options.scope === 'all' ? [`-gcflags=all=${NO_OPTIMISATION_FLAGS}`] : [];
  const listed = await mainModulePackages(options);
  // Without go list's answer, at least the packages named on the command line get their listing.
  if (!listed.length) return [...flags, `-gcflags=${NO_OPTIMISATION_FLAGS} -S`];
  return [...flags, ...listed.map((pkg) => `-gcflags=${pkg}=${NO_OPTIMISATION_FLAGS} -S`)];
}

/** Import paths of the program's packages that belong to the main module (or the lone file's package). */
async function mainModulePackages(options: DebugBuildOptions): Promise<string[]> {
  const target = resolveTarget(options.packagePath, options.cwd ?? process.cwd(), 'auto');
  const format = '{{if or (and .Module .Module.Main) (eq .ImportPath "command-line-arguments")}}{{.ImportPath}}{{end}}';
  const args = ['list', '-deps', ...(options.test ? ['-test'] : []), ...passedOnFlags(options.buildFlags ?? []), '-f', format, target.arg];
  const run = await runGo(options.go, args, { cwd: target.cwd, env: { ...options.env, GOOS: 'wasip1', GOARCH: 'wasm' }, signal: options.signal });
  if (run.exitCode !== 0) return [];
  // `go list -test` also names the test variants ("p [p.test]", "p.test"); -gcflags patterns match the package path.
  const packages = new Set<string>();
  for (const line of run.stdout.split('\n')) {
    const path = line.trim().split(' ')[0];
    if (path && !path.endsWith('.test')) packages.add(path);
  }
  return [...packages];
}

/** The build flags go list understands too: tags and module mode change which packages there are. */
function passedOnFlags(flags: readonly string[]): string[] {
  return flags.filter((f) => /^--?(tags|mod|modfile|workfile)=/.test(f));
}
