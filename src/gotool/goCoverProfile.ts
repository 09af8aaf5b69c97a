// Reads a Go coverage profile (`go test -coverprofile`): `mode: set|count|atomic`, then one line per
// basic block, `import/path/file.go:startLine.startCol,endLine.endCol statements count`. A block can
// appear more than once (several test binaries, or -coverpkg): counts of the same block add up.

export interface GoCoverBlock {
  /** 1-based line, 1-based byte column, as cover writes them. */
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  statements: number;
  count: number;
}

export interface GoCoverProfile {
  mode: string;
  /** Keyed by the file as the profile names it: the package's import path and the file's base name. */
  files: Map<string, GoCoverBlock[]>;
}

const BLOCK_LINE = /^(.+):(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)$/;

/** Parses a profile; malformed lines are skipped, so a truncated profile still yields what it has. */
export function parseGoCoverProfile(text: string): GoCoverProfile {
  const profile: GoCoverProfile = { mode: 'set', files: new Map() };
  const merged = new Map<string, GoCoverBlock>();
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith('mode: ')) {
      profile.mode = line.slice(6).trim();
      continue;
    }
    const m = BLOCK_LINE.exec(line);
    if (!m) continue;
    const key = `${m[1]}:${m[2]}.${m[3]},${m[4]}.${m[5]}`;
    const count = Number(m[7]);
    const seen = merged.get(key);
    if (seen) {
      seen.count = profile.mode === 'set' ? Math.max(seen.count, count) : seen.count + count;
      continue;
    }
    const block: GoCoverBlock = {
      startLine: Number(m[2]),
      startColumn: Number(m[3]),
      endLine: Number(m[4]),
      endColumn: Number(m[5]),
      statements: Number(m[6]),
      count,
    };
    merged.set(key, block);
    let blocks = profile.files.get(m[1]);
    if (!blocks) profile.files.set(m[1], (blocks = []));
    blocks.push(block);
  }
  return profile;
}

/** Statements covered and in total, the figure `go test -cover` prints as a percentage. */
export function coveredStatements(blocks: readonly GoCoverBlock[]): { covered: number; total: number } {
  let covered = 0;
  let total = 0;
  for (const block of blocks) {
    total += block.statements;
    if (block.count > 0) covered += block.statements;
  }
  return { covered, total };
}

/**
 * The file on disk for a profile's file name, given the packages whose directories are known
 * (import path → directory); undefined for files of other packages.
 */
export function coverFileOnDisk(profileFile: string, packageDirectories: ReadonlyMap<string, string>, join: (dir: string, base: string) => string): string | undefined {
  const slash = profileFile.lastIndexOf('/');
  if (slash < 0) return undefined;
  const dir = packageDirectories.get(profileFile.slice(0, slash));
  return dir === undefined ? undefined : join(dir, profileFile.slice(slash + 1));
}
