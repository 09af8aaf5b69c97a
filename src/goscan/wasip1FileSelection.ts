// Whether `GOOS=wasip1 GOARCH=wasm go build` compiles a file at all: a //go:wasmimport in a file
// the wasip1 build skips (hello_linux.go, //go:build js) never reaches the host, so the editor
// must neither check it against WASI nor count it as an import of the module.
import * as path from 'node:path';
import { evaluateBuildExpr, wasip1BuildTags } from './buildConstraint';
import type { GoBuildConstraint } from './wasmDirectiveScanner';

// go/build's knownOS and knownArch (syslist.go): a file-name suffix only constrains when it is one of these.
const KNOWN_OS = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd',
  'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos',
]);
const KNOWN_ARCH = new Set([
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le',
  'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm',
]);

/** go/build's goodOSArchFile for GOOS=wasip1 GOARCH=wasm: `x_linux.go`, `x_amd64_test.go` are out. */
export function fileNameAllowsWasip1(fileName: string): boolean {
  let name = path.basename(fileName).replace(/\.go$/, '');
  // The part before the first underscore never constrains: linux.go is an ordinary file.
  const underscore = name.indexOf('_');
  if (underscore < 0) return true;
  name = name.slice(underscore);
  const parts = name.split('_');
  if (parts[parts.length - 1] === 'test') parts.pop();
  const n = parts.length;
  if (n >= 2 && KNOWN_OS.has(parts[n - 2]) && KNOWN_ARCH.has(parts[n - 1])) {
    return parts[n - 2] === 'wasip1' && parts[n - 1] === 'wasm';
  }
  if (n >= 1 && KNOWN_OS.has(parts[n - 1])) return parts[n - 1] === 'wasip1';
  if (n >= 1 && KNOWN_ARCH.has(parts[n - 1])) return parts[n - 1] === 'wasm';
  return true;
}

/**
 * True when the wasip1 build of the given Go release compiles the file. A constraint that does not
 * parse counts as included: the compiler reports it, and hiding the file's imports would hide that too.
 */
export function fileInWasip1Build(
  fileName: string,
  constraint: GoBuildConstraint | undefined,
  goMinor: number,
  extraTags: readonly string[] = [],
): boolean {
  if (!fileNameAllowsWasip1(fileName)) return false;
  if (!constraint?.parsed) return true;
  return evaluateBuildExpr(constraint.parsed, wasip1BuildTags(goMinor, extraTags));
}
