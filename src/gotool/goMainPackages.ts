// Finds the Go main packages under a folder: what Run, Debug and the build tasks offer.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Folders the go command itself ignores in ./... patterns, plus the ones no Go code lives in. */
function skipped(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name === 'testdata' || name === 'vendor' || name === 'node_modules';
}

/** Removes comments and string contents so `package main` in a comment or string does not count. */
function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|`[^`]*`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => (m.startsWith('/') ? ' ' : '""'));
}

/** True when the source is in package main and declares func main() at top level. */
export function declaresMainFunction(text: string): boolean {
  const code = codeOnly(text);
  return /^\s*package\s+main\b/m.test(code) && /^func\s+main\s*\(\s*\)/m.test(code);
}

/** True when the file is in package main (whether or not it holds func main). */
export function isMainPackageFile(text: string): boolean {
  return /^\s*package\s+main\b/m.test(codeOnly(text));
}

export interface MainPackageSearch {
  /** Stop after this many .go files read (a guard for huge trees). Default 20,000. */
  maxFiles?: number;
}

/** Absolute directories under root holding a main package with func main, sorted. */
export function findMainPackages(root: string, options: MainPackageSearch = {}): string[] {
  const found: string[] = [];
  let budget = options.maxFiles ?? 20_000;
  const visit = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    let hasMain = false;
    for (const entry of entries) {
      if (entry.isDirectory()) continue;
      if (hasMain || budget <= 0 || !entry.name.endsWith('.go') || entry.name.endsWith('_test.go')) continue;
      budget--;
      try {
        hasMain = declaresMainFunction(readFileSync(path.join(dir, entry.name), 'utf8'));
      } catch {
        // An unreadable file is no main package.
      }
    }
    if (hasMain) found.push(dir);
    for (const entry of entries) {
      if (entry.isDirectory() && !skipped(entry.name)) visit(path.join(dir, entry.name));
    }
  };
  visit(path.resolve(root));
  return found.sort();
}
