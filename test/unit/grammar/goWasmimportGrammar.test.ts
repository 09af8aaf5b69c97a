import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

// The JSON grammars are not compiled by tsc: read them from the source tree, wherever the
// compiled test sits (out/, out-<name>/, ...).
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'syntaxes'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

const root = repoRoot();
const INJECTION = path.join(root, 'syntaxes', 'go-wasmimport.tmLanguage.json');
const STAND_IN_GO = path.join(root, 'test', 'unit', 'grammar', 'go-stand-in.tmLanguage.json');

interface ScopedToken {
  text: string;
  scopes: string[];
}

let goGrammar: vsctm.IGrammar;

before(async () => {
  const wasm = readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const files: Record<string, string> = { 'source.go': STAND_IN_GO, 'go.wasmimport.injection': INJECTION };
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file = files[scopeName];
      return file ? vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    // What package.json's `injectTo: ["source.go"]` tells VS Code.
    getInjections: (scopeName) => (scopeName === 'source.go' ? ['go.wasmimport.injection'] : undefined),
  });
  const grammar = await registry.loadGrammar('source.go');
  assert.ok(grammar, 'stand-in Go grammar loads');
  goGrammar = grammar;
});

function tokenize(source: string): ScopedToken[][] {
  let state = vsctm.INITIAL;
  return source.split('\n').map((line) => {
    const result = goGrammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

function scopesOf(line: ScopedToken[], text: string): string[] {
  const token = line.find((t) => t.text === text);
  assert.ok(token, `token ${JSON.stringify(text)} in ${JSON.stringify(line.map((t) => t.text))}`);
  return token.scopes;
}

function allScopes(lines: ScopedToken[][]): string[] {
  return lines.flat().flatMap((t) => t.scopes);
}

describe('go-wasmimport injection grammar', () => {
  test('scopes the keyword, module and name of a //go:wasmimport', () => {
    const [line] = tokenize('//go:wasmimport wasi_snapshot_preview1 fd_write');
    assert.ok(scopesOf(line, '//').includes('punctuation.definition.comment.go'));
    const keyword = scopesOf(line, 'go:wasmimport');
    assert.ok(keyword.includes('keyword.control.directive.wasmimport.go'));
    assert.ok(keyword.includes('comment.line.double-slash.go'), 'the directive line stays a comment');
    assert.ok(scopesOf(line, 'wasi_snapshot_preview1').includes('entity.name.namespace.wasm-module.go'));
    assert.ok(scopesOf(line, 'fd_write').includes('entity.name.function.wasm-import.go'));
  });

  test('scopes a //go:wasmexport name as an export', () => {
    const [line] = tokenize('//go:wasmexport _initialize');
    assert.ok(scopesOf(line, 'go:wasmexport').includes('keyword.control.directive.wasmexport.go'));
    assert.ok(scopesOf(line, '_initialize').includes('entity.name.function.wasm-export.go'));
  });

  test('marks fields beyond the directive\'s arity as illegal', () => {
    const [imp] = tokenize('//go:wasmimport env add extra more');
    assert.ok(scopesOf(imp, 'extra').includes('invalid.illegal.extra-field.go'));
    assert.ok(scopesOf(imp, 'more').includes('invalid.illegal.extra-field.go'));
    assert.ok(!scopesOf(imp, 'add').includes('invalid.illegal.extra-field.go'));
    const [exp] = tokenize('//go:wasmexport run now');
    assert.ok(scopesOf(exp, 'now').includes('invalid.illegal.extra-field.go'));
  });

  test('accepts indentation, tabs between fields and CRLF leftovers', () => {
    const [line] = tokenize('\t//go:wasmimport\u0020env\t\tclock_time_get  \r');
    assert.ok(scopesOf(line, 'env').includes('entity.name.namespace.wasm-module.go'));
    assert.ok(scopesOf(line, 'clock_time_get').includes('entity.name.function.wasm-import.go'));
  });

  test('leaves a directive with a space after // as a plain comment', () => {
    const lines = tokenize('// go:wasmimport env add');
    const scopes = allScopes(lines);
    assert.ok(scopes.includes('comment.line.double-slash.go'));
    assert.ok(!scopes.some((s) => s.includes('wasm')), scopes.join(' '));
  });

  test('ignores the directive text inside strings, raw strings and block comments', () => {
    const lines = tokenize([
      'var s = "//go:wasmimport env add"',
      'var r = `',
      '//go:wasmimport env add',
      '`',
      '/*',
      '//go:wasmexport nope',
      '*/',
    ].join('\n'));
    const scopes = allScopes(lines);
    assert.ok(!scopes.some((s) => s.includes('wasm')), scopes.join(' '));
    assert.ok(scopesOf(lines[2], '//go:wasmimport env add').includes('string.quoted.raw.go'));
    assert.ok(scopesOf(lines[5], '//go:wasmexport nope').includes('comment.block.go'));
  });

  test('ignores a directive after code on the same line, as the compiler does', () => {
    const lines = tokenize('var x = 1 //go:wasmimport env add');
    assert.ok(!allScopes(lines).some((s) => s.includes('wasm')));
  });

  test('ignores a keyword not followed by a space', () => {
    const scopes = allScopes(tokenize('//go:wasmimportx env add\n//go:wasmimport\tenv add'));
    assert.ok(!scopes.some((s) => s.includes('directive.wasmimport')), scopes.join(' '));
  });

  test('code after a directive line is Go again', () => {
    const lines = tokenize('//go:wasmimport env add\nfunc add(a, b int32) int32');
    assert.ok(scopesOf(lines[1], 'func').includes('keyword.other.go'));
    assert.ok(!allScopes([lines[1]]).some((s) => s.includes('comment')));
  });
});
