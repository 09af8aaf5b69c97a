// Parses what `go version` prints and answers the version questions wasip1 cares about.

export interface GoVersion {
  major: number;
  minor: number;
  /** 0 for a release like "go1.21" (Go ≤1.20 named x.y.0 that way) and for pre-releases. */
  patch: number;
  /** "rc1", "beta2"… when the toolchain is a pre-release. */
  prerelease?: string;
  /** A toolchain built from a source checkout ("devel go1.24-abc123 …"); its number is the next release. */
  devel: boolean;
}

/** A Go language version (go.mod's `go 1.24`): what the compiler's rules depend on. */
export type GoLanguageVersion = Pick<GoVersion, 'major' | 'minor'>;

/** wasip1 arrived in Go 1.21; anything older cannot target it at all. */
export const MINIMUM_WASIP1_GO: Readonly<GoVersion> = { major: 1, minor: 21, patch: 0, devel: false };

const RELEASE = /\bgo(\d+)\.(\d+)(?:\.(\d+))?((?:rc|beta|alpha)\d+)?/;

/**
 * Reads the version out of a `go version` line or a GOVERSION value:
 *   "go version go1.21.13 linux/amd64", "go1.22rc1", "go version devel go1.24-8e1fe7a Tue … linux/amd64",
 *   "go version go1.23.0 X:nocoverageredesign linux/amd64". Returns undefined when no version is present.
 */
export function parseGoVersion(text: string): GoVersion | undefined {
  const match = RELEASE.exec(text);
  if (!match) return undefined;
  const version: GoVersion = {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? 0 : Number(match[3]),
    devel: /\bdevel\b/.test(text),
  };
  if (match[4]) version.prerelease = match[4];
  return version;
}

/** Negative, zero or positive like a sort comparator; a pre-release sorts before its release. */
export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/** True when a toolchain of this version is at least `major.minor` (pre-releases of that line count). */
export function goAtLeast(version: GoLanguageVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** "go1.24": the language version, as compiler messages name it. */
export function formatGoLanguageVersion(version: GoLanguageVersion): string {
  return `go${version.major}.${version.minor}`;
}

/** "1.21.13", "1.22rc1", "1.24 (devel)". */
export function formatGoVersion(version: GoVersion): string {
  let text = `${version.major}.${version.minor}`;
  if (version.prerelease) text += version.prerelease;
  else if (version.patch || !version.devel) text += `.${version.patch}`;
  if (version.devel) text += ' (devel)';
  return text;
}

/**
 * The two shapes of the wasip1 port. Go 1.24 added //go:wasmexport, -buildmode=c-shared (reactor modules)
 * and widened the types //go:wasmimport accepts; 1.21–1.23 only build command modules.
 */
export type Wasip1Generation = 'go1.21-1.23' | 'go1.24+';

export function wasip1Generation(version: GoVersion): Wasip1Generation {
  return goAtLeast(version, 1, 24) ? 'go1.24+' : 'go1.21-1.23';
}

/** What the toolchain can do for wasip1, so callers branch on features rather than on numbers. */
export interface Wasip1Capabilities {
  generation: Wasip1Generation;
  /** //go:wasmexport directives compile. */
  wasmExport: boolean;
  /** -buildmode=c-shared yields a reactor module with _initialize instead of _start. */
  reactorBuildMode: boolean;
}

export function wasip1Capabilities(version: GoVersion): Wasip1Capabilities {
  const modern = wasip1Generation(version) === 'go1.24+';
  return { generation: wasip1Generation(version), wasmExport: modern, reactorBuildMode: modern };
}
