// Builds a Go main package (or one standalone file) into a wasip1 module and reports located diagnostics.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { GoDiagnostic, parseGoOutput } from './goCompilerOutput';
import { GoCommand, goBinaryOf, runGo } from './runGo';

/**
 * How a .go file given as packagePath is built.
 *  - 'package': its directory's package, as vscode-go does — the file is just how the user pointed at it.
 *  - 'file': only that file (`go build file.go`, like `go run file.go`).
 *  - 'auto': 'file' when the package route cannot work — the file carries a build constraint with `ignore`
 *    (the convention for generator/script files that sit beside a package they are not part of), or no go.mod
 *    or go.work encloses it (module mode refuses `go build .` there but accepts a named file) — else 'package'.
 */
export type SourceFileMode = 'auto' | 'package' | 'file';

export interface Wasip1BuildOptions {
  go: GoCommand;
  /** A package directory, a .go file, or an import path / pattern resolved by go from `cwd`. */
  packagePath: string;
  /** The .wasm to write; relative to `cwd`. Its directory is created. */
  output: string;
  buildFlags?: readonly string[];
  /** Merged with any -tags already in buildFlags into a single -tags=a,b. */
  buildTags?: readonly string[];
  /** Layered over the command's environment; GOOS and GOARCH are then forced to wasip1/wasm. */
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** Base for relative packagePath/output and where import paths are resolved. Defaults to process.cwd(). */
  cwd?: string;
  fileMode?: SourceFileMode;
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Build the package's test binary (`go test -c`) instead of the program. */
  test?: boolean;
}

export interface Wasip1BuildResult {
  ok: boolean;
  cancelled: boolean;
  /** Absolute path of the module; it exists only when ok. */
  wasmPath: string;
  diagnostics: GoDiagnostic[];
  /** The compiler hit its error limit, so diagnostics is incomplete. */
  tooManyErrors: boolean;
  /** Failure lines with no position ("go: cannot find main module…"); shown to the user as-is. */
  unlocated: string[];
  output: string;
  durationMs: number;
  commandLine: string;
  /** Where go ran, which is what relative paths in `output` are relative to. */
  cwd: string;
  args: string[];
  exitCode: number | null;
  /** What was handed to go: a package directory, a single file, or an import path. */
  target: { kind: 'package' | 'file' | 'import-path'; value: string };
}

export async function buildWasip1(options: Wasip1BuildOptions): Promise<Wasip1BuildResult> {
  const baseDir = path.resolve(options.cwd ?? process.cwd());
  const target = resolveTarget(options.packagePath, baseDir, options.fileMode ?? 'auto');
  const wasmPath = path.resolve(baseDir, options.output);
  mkdirSync(path.dirname(wasmPath), { recursive: true });

  const args = [...(options.test ? ['test', '-c'] : ['build']), '-o', wasmPath, ...withMergedTags(options.buildFlags ?? [], options.buildTags ?? []), target.arg];
  const env = { ...options.env, GOOS: 'wasip1', GOARCH: 'wasm' };
  const run = await runGo(options.go, args, { cwd: target.cwd, env, signal: options.signal, onOutput: options.onOutput });

  const parsed = parseGoOutput(run.output, { cwd: target.cwd, goModFile: findUpward(target.cwd, 'go.mod') });
  const unlocated = [...parsed.unlocated];
  if (run.spawnError) unlocated.unshift(`Could not start ${goBinaryOf(options.go)}: ${run.spawnError.message}`);
  let ok = !run.cancelled && run.exitCode === 0 && existsSync(wasmPath);
  if (ok && !startsWithWasmMagic(wasmPath)) {
    // go build -o on a non-main package quietly writes a package archive; running that would fail obscurely.
    ok = false;
    unlocated.push(`${target.arg} in ${target.cwd} is not a main package: go wrote a package archive, not a wasm module.`);
  }
  return {
    ok,
    cancelled: run.cancelled,
    wasmPath,
    diagnostics: parsed.diagnostics,
    tooManyErrors: parsed.tooManyErrors,
    unlocated,
    output: run.output,
    durationMs: run.durationMs,
    commandLine: run.commandLine,
    cwd: target.cwd,
    args,
    exitCode: run.exitCode,
    target: { kind: target.kind, value: target.arg },
  };
}

interface ResolvedTarget {
  kind: 'package' | 'file' | 'import-path';
  cwd: string;
  arg: string;
}

export function resolveTarget(packagePath: string, baseDir: string, fileMode: SourceFileMode): ResolvedTarget {
  const onDisk = path.resolve(baseDir, packagePath);
  let stat;
  try {
    stat = statSync(onDisk);
  } catch {
    // Not a path: an import path or pattern ("fixtures/hello", "./cmd/..."), which go resolves from baseDir.
    return { kind: 'import-path', cwd: baseDir, arg: packagePath };
  }
  if (stat.isDirectory()) return { kind: 'package', cwd: onDisk, arg: '.' };

  const dir = path.dirname(onDisk);
  const standalone =
    fileMode === 'file' ||
    (fileMode === 'auto' && (hasIgnoreConstraint(onDisk) || !(findUpward(dir, 'go.mod') || findUpward(dir, 'go.work'))));
  // Running in the file's directory keeps the compiler's paths short ("./gen.go") and any go.mod in reach.
  return standalone
    ? { kind: 'file', cwd: dir, arg: './' + path.basename(onDisk) }
    : { kind: 'package', cwd: dir, arg: '.' };
}

/** True for files kept out of their package by a constraint like `//go:build ignore` or `// +build ignore`. */
export function hasIgnoreConstraint(file: string): boolean {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  // Constraints must precede the package clause, so only the header is relevant.
  const packageClause = source.search(/^package\s/m);
  const header = packageClause === -1 ? source : source.slice(0, packageClause);
  return /^\/\/(?:go:build|\s*\+build)\s.*\bignore\b/m.test(header);
}

/** Folds -tags out of buildFlags and into one flag with buildTags, since go keeps only the last -tags it sees. */
export function withMergedTags(buildFlags: readonly string[], buildTags: readonly string[]): string[] {
  const tags: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < buildFlags.length; i++) {
    const flag = buildFlags[i];
    const inline = /^--?tags=(.*)$/.exec(flag);
    if (inline) tags.push(...splitTags(inline[1]));
    else if ((flag === '-tags' || flag === '--tags') && i + 1 < buildFlags.length) tags.push(...splitTags(buildFlags[++i]));
    else rest.push(flag);
  }
  tags.push(...buildTags.flatMap(splitTags));
  const unique = [...new Set(tags)];
  return unique.length ? [`-tags=${unique.join(',')}`, ...rest] : rest;
}

function splitTags(value: string): string[] {
  // Commas are the current syntax; spaces are the pre-1.13 one and still accepted by go.
  return value.split(/[,\s]+/).filter((tag) => tag !== '');
}

function startsWithWasmMagic(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(WASM_MAGIC);
  } finally {
    closeSync(fd);
  }
}

const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);

function findUpward(startDir: string, name: string): string | undefined {
  let dir = startDir;
  for (;;) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The file name `go build` gives a main package's binary, without extension: the last element of
 * its import path. For a module's root that is the module path's (a major version suffix such as
 * /v2 skipped, as go does), not the folder's name; for any other directory, the directory's name.
 */
export function executableBaseName(packageDir: string): string {
  let text: string | undefined;
  try {
    text = readFileSync(path.join(packageDir, 'go.mod'), 'utf8');
  } catch {
    return path.basename(packageDir);
  }
  const modulePath = /^\s*module\s+"?([^\s"]+)"?/m.exec(text)?.[1];
  if (!modulePath) return path.basename(packageDir);
  const elements = modulePath.split('/');
  let last = elements.pop() ?? '';
  if (/^v[0-9]+$/.test(last) && elements.length) last = elements.pop() ?? last;
  return last || path.basename(packageDir);
}
