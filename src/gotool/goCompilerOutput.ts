// Turns what `go build` / `go vet` print (compiler, linker, go.mod and module errors) into located diagnostics.
import * as path from 'node:path';

export type GoDiagnosticSeverity = 'error' | 'warning' | 'info';

export interface GoDiagnostic {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based byte column as gc counts it; absent when the tool gave only a line (go.mod, assembler). */
  column?: number;
  /** Includes tab-indented continuation lines (have/want, "to add it: go get …"), joined with newlines. */
  message: string;
  severity: GoDiagnosticSeverity;
}

export interface ParsedGoOutput {
  diagnostics: GoDiagnostic[];
  /** gc stopped reporting after its limit; rebuilding with -gcflags=-e shows everything. */
  tooManyErrors: boolean;
  /** Error lines that name no position and no file we could attach them to ("go: cannot find main module…"). */
  unlocated: string[];
}

export interface ParseGoOutputOptions {
  /** The directory go ran in: the compiler prints paths relative to it ("./main.go", "../lib/x.go", "go.mod"). */
  cwd: string;
  /** The module's go.mod, which gets go.mod complaints that carry no line number ("go: go.mod requires go >= …"). */
  goModFile?: string;
  /** What a plain located message is; `go build` only reports errors, vet findings are arguably warnings. */
  defaultSeverity?: GoDiagnosticSeverity;
  /** Chooses how relative paths are joined; defaults to the host's. */
  platform?: NodeJS.Platform;
}

// file:line[:col]: message. The file may carry a Windows drive letter; it never starts with whitespace.
const LOCATED = /^((?:[A-Za-z]:[\\/])?[^\s:][^:]*?):(\d+)(?::(\d+))?: ?(.*)$/;

export function parseGoOutput(text: string, options: ParseGoOutputOptions): ParsedGoOutput {
  const p = (options.platform ?? process.platform) === 'win32' ? path.win32 : path.posix;
  const severity = options.defaultSeverity ?? 'error';
  const result: ParsedGoOutput = { diagnostics: [], tooManyErrors: false, unlocated: [] };
  // Where a tab-indented continuation line belongs: the last diagnostic, or the last unlocated message.
  let last: { kind: 'diagnostic'; diagnostic: GoDiagnostic } | { kind: 'unlocated'; index: number } | undefined;

  for (const rawLine of text.split(/\r?\n/)) {
    if (rawLine.trim() === '') continue;
    if (rawLine.startsWith('\t') || rawLine.startsWith('    ')) {
      const extra = rawLine.trim();
      if (last?.kind === 'diagnostic') last.diagnostic.message += '\n' + extra;
      else if (last?.kind === 'unlocated') result.unlocated[last.index] += '\n' + extra;
      continue;
    }
    // "# fixtures/broken" and vet's "# [fixtures/broken]" only say which package the next lines are about.
    if (rawLine.startsWith('# ')) continue;

    let line = rawLine.replace(/^vet: /, '');
    const fromGoCommand = line.startsWith('go: ');
    if (fromGoCommand) line = line.slice(4);

    const located = LOCATED.exec(line);
    if (located) {
      const message = located[4].trim();
      if (message === 'too many errors') {
        result.tooManyErrors = true;
        last = undefined;
        continue;
      }
      const diagnostic: GoDiagnostic = {
        file: p.resolve(options.cwd, located[1]),
        line: Number(located[2]),
        message,
        severity: severityOf(message, severity),
      };
      if (located[3] !== undefined) diagnostic.column = Number(located[3]);
      result.diagnostics.push(diagnostic);
      last = { kind: 'diagnostic', diagnostic };
      continue;
    }

    // The located lines that follow carry the detail; this one is only their heading.
    if (/^errors parsing (go\.mod|go\.work):?$/.test(line)) continue;

    if (fromGoCommand && options.goModFile && /\bgo\.mod\b/.test(line)) {
      const diagnostic: GoDiagnostic = { file: options.goModFile, line: 1, message: line, severity: 'error' };
      result.diagnostics.push(diagnostic);
      last = { kind: 'diagnostic', diagnostic };
      continue;
    }
    result.unlocated.push(rawLine);
    last = { kind: 'unlocated', index: result.unlocated.length - 1 };
  }
  return result;
}

function severityOf(message: string, fallback: GoDiagnosticSeverity): GoDiagnosticSeverity {
  if (/^warning\b/i.test(message)) return 'warning';
  if (/^note\b/i.test(message)) return 'info';
  return fallback;
}
