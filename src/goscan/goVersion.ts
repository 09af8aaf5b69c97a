// The Go release a rule applies to. Only major.minor matter to the wasm rules: the compiler's
// wasmimport checks never changed in a patch release.

export interface GoVersion {
  major: number;
  minor: number;
}

/**
 * Reads a Go version from `go1.24`, `go1.24.3`, `1.24rc1`, a go.mod `go 1.24` line's value,
 * or `go version` output (`go version go1.26.8 linux/amd64`). Undefined when none is found.
 */
export function parseGoVersion(text: string): GoVersion | undefined {
  const match = /(?:^|[^0-9.])(?:go)?(\d+)\.(\d+)/.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function goVersionAtLeast(version: GoVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

export function formatGoVersion(version: GoVersion): string {
  return `go${version.major}.${version.minor}`;
}
