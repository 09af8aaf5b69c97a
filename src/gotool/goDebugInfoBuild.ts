// A throwaway build made only for the compiler's debug information (goDwarfListing, goDwarf): the
// user's own packages compiled as in the debug build (`-N -l`) plus `-S=2 -dwarf=true
// -dwarflocationlists=false`, whose listing carries each function's DWARF and the packages' type
// descriptors. Its module is discarded; the program that runs is the debug build's.
//
// Why a second build: gc crashes under -dwarf=true on any package that declares a //go:wasmimport
// function (Go 1.21 to 1.26, "interface conversion: interface {} is nil, not *ssa.FuncDebug"), and
// those are the packages wasip1 users write. So the build sees, through `go build -overlay`, a copy of
// each file with such declarations where every one gets a stub body and loses its directive, lines
// kept in place. Only the import wrappers change; the other functions compile as in the real build,
// and frameMismatches() compares every function's frame (args, locals) in the two listings, so a
// function whose layout moved anyway is never read with the copy's offsets.
//
// API: buildDebugInfo(options) → { ok, listing, stubbedFiles, output }; stubWasmImports(source);
// frameMismatches(realListing, debugInfoListing).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { debugBuildFlags, NO_OPTIMISATION_FLAGS, type DebugBuildOptions } from './goDebugBuild';
import { runGo } from './runGo';
import { buildWasip1, resolveTarget } from './wasip1Build';

/** The flag by which debugBuildFlags asks for a package's listing: `-gcflags=<pkg>=-N -l -S`. */
const LISTED_PACKAGES = new RegExp(`^-gcflags=(?:(.+)=)?${NO_OPTIMISATION_FLAGS} -S$`);

export const DEBUG_INFO_COMPILER_FLAGS = `${NO_OPTIMISATION_FLAGS} -S=2 -dwarf=true -dwarflocationlists=false`;

export interface DebugInfoBuild {
  ok: boolean;
  /** go build's stderr: the -S=2 listing of the user's packages, DWARF and type descriptors included. */
  listing: string;
  /** Files seen through the overlay with their //go:wasmimport declarations stubbed. */
  stubbedFiles: string[];
  /** Why it failed, when it did. */
  output: string;
}

/** Builds the debug information of the program's own packages (those debugBuildFlags lists). */
export async function buildDebugInfo(options: DebugBuildOptions): Promise<DebugInfoBuild> {
  const debugFlags = await debugBuildFlags(options);
  const patterns = debugFlags.map((f) => LISTED_PACKAGES.exec(f)).filter((m) => m !== null);
  const scratch = mkdtempSync(path.join(tmpdir(), 'wasip1-debuginfo-'));
  try {
    const packages = patterns.map((m) => m[1]).filter((p): p is string => !!p);
    const stubbedFiles: string[] = [];
    const replace: Record<string, string> = {};
    for (const file of await goFilesOf(options, packages)) {
      const stubbed = stubWasmImports(readFileSync(file, 'utf8'));
      if (stubbed === undefined) continue;
      const copy = path.join(scratch, `${stubbedFiles.length}-${path.basename(file)}`);
      writeFileSync(copy, stubbed);
      replace[file] = copy;
      stubbedFiles.push(file);
    }
    const overlay = path.join(scratch, 'overlay.json');
    writeFileSync(overlay, JSON.stringify({ Replace: replace }));
    const flags = [
      ...(options.buildFlags ?? []),
      // The debug build's own flags, its listed packages' listing made to carry DWARF and descriptors.
      ...debugFlags.map((f) => {
        const m = LISTED_PACKAGES.exec(f);
        if (!m) return f;
        return m[1] ? `-gcflags=${m[1]}=${DEBUG_INFO_COMPILER_FLAGS}` : `-gcflags=${DEBUG_INFO_COMPILER_FLAGS}`;
      }),
      `-overlay=${overlay}`,
    ];
    const result = await buildWasip1({
      go: options.go,
      packagePath: options.packagePath,
      cwd: options.cwd,
      output: path.join(scratch, 'debuginfo.wasm'),
      buildFlags: flags,
      env: options.env,
      signal: options.signal,
      test: options.test,
    });
    return { ok: result.ok, listing: result.output, stubbedFiles, output: result.ok ? '' : result.output };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The Go files (wasip1, with the build's tags) of these packages. */
async function goFilesOf(options: DebugBuildOptions, packages: string[]): Promise<string[]> {
  // Where the debug build runs go, so that the main module's import paths resolve.
  const target = resolveTarget(options.packagePath, options.cwd ?? process.cwd(), 'auto');
  const tags = (options.buildFlags ?? []).filter((f) => /^--?tags=/.test(f));
  const args = ['list', ...(options.test ? ['-test'] : []), ...tags, '-f', '{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}\n{{end}}{{range .TestGoFiles}}{{$d}}/{{.}}\n{{end}}', ...(packages.length ? packages : [target.arg])];
  const run = await runGo(options.go, args, { cwd: target.cwd, env: { ...options.env, GOOS: 'wasip1', GOARCH: 'wasm' }, signal: options.signal });
  if (run.exitCode !== 0) return [];
  return [...new Set(run.stdout.split('\n').map((l) => l.trim()).filter(Boolean))];
}

const WASMIMPORT = /^\s*\/\/go:wasmimport\b/;

/**
 * The file with each //go:wasmimport directive blanked and its function given a body that panics,
 * every line where it was; undefined when the file declares none.
 */
export function stubWasmImports(source: string): string | undefined {
  const lines = source.split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    if (!WASMIMPORT.test(lines[i])) continue;
    lines[i] = '';
    changed = true;
    // The declaration follows, after any other directives or comments; its signature may span lines.
    let j = i + 1;
    while (j < lines.length && /^\s*(\/\/.*)?$/.test(lines[j])) j++;
    if (j >= lines.length || !/^\s*func\b/.test(lines[j])) continue;
    let depth = 0;
    for (; j < lines.length; j++) {
      for (const ch of lines[j].replace(/\/\/.*$/, '')) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
      if (depth === 0) break;
    }
    if (j < lines.length) lines[j] = lines[j].replace(/\s*(\/\/.*)?$/, (_, comment?: string) => ` { panic("wasip1: stub for debug information") }${comment ? ` ${comment}` : ''}`);
  }
  return changed ? lines.join('\n') : undefined;
}

/** `main.add STEXT size=16 args=0x18 locals=0xb8` (with -S=2: `main.add<1> STEXT`). */
const FRAME_HEADER = /^(\S+?)(?:<\d+>)? STEXT\b.*? args=(0x[0-9a-f]+) locals=(0x[0-9a-f]+)/;

/** Functions whose frame differs between the two listings (or that one of them lacks): their DWARF offsets do not hold. */
export function frameMismatches(realListing: string, debugInfoListing: string): Set<string> {
  const real = frames(realListing);
  const copy = frames(debugInfoListing);
  const out = new Set<string>();
  for (const [name, frame] of copy) if (real.get(name) !== frame) out.add(name);
  return out;
}

function frames(listing: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of listing.split('\n')) {
    const m = FRAME_HEADER.exec(line);
    if (m) out.set(m[1], `${m[2]} ${m[3]}`);
  }
  return out;
}
