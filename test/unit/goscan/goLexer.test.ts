import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lexGo } from '../../../src/goscan/goLexer';

function kinds(source: string): string[] {
  return lexGo(source).map((t) => `${t.kind}:${t.text}`);
}

describe('lexGo', () => {
  test('strings with escaped quotes and comment markers stay one token', () => {
    assert.deepEqual(kinds('x := "a\\"//b/*" + `c\n//d`'), [
      'ident:x', 'op::=', 'string:"a\\"//b/*"', 'op:+', 'rawString:`c\n//d`',
    ]);
  });

  test('runes, including quote and backslash runes', () => {
    assert.deepEqual(kinds(`'"' '\\'' '\\\\' '/'`), [`rune:'"'`, `rune:'\\''`, `rune:'\\\\'`, `rune:'/'`]);
  });

  test('numbers with exponents, hex and imaginary parts', () => {
    assert.deepEqual(kinds('1e-9 0x1p+3 0xE+1 .5i 1_000'), [
      'number:1e-9', 'number:0x1p+3', 'number:0xE', 'op:+', 'number:1', 'number:.5i', 'number:1_000',
    ]);
  });

  test('lines and columns across raw strings and block comments', () => {
    const tokens = lexGo('a `x\ny` b /* c\nd */ e\n\tf');
    const at = (text: string) => tokens.find((t) => t.text === text)!;
    assert.deepEqual([at('b').line, at('b').column], [1, 3]);
    assert.deepEqual([at('e').line, at('e').column], [2, 5]);
    assert.deepEqual([at('f').line, at('f').column], [3, 1]);
    assert.equal(at('e').newlineBefore, true, 'a comment spanning lines acts as a newline');
    assert.equal(at('b').newlineBefore, false, 'a newline inside a raw string is not one');
  });

  test('firstOnLine is the compiler\'s "line is blank up to here"', () => {
    const tokens = lexGo('x // a\n  // b\n/* c */ // d\n');
    assert.deepEqual(tokens.filter((t) => t.kind === 'lineComment').map((t) => [t.text, t.firstOnLine]), [
      ['// a', false], ['// b', true], ['// d', false],
    ]);
  });

  test('CRLF: a line comment excludes the carriage return', () => {
    const [comment, next] = lexGo('//go:wasmimport a b\r\nfunc');
    assert.equal(comment.text, '//go:wasmimport a b');
    assert.equal(next.line, 1);
  });

  test('unterminated literals end at the line or the file', () => {
    assert.deepEqual(kinds('"abc\nx `open'), ['string:"abc', 'ident:x', 'rawString:`open']);
  });

  test('the directives-only mode keeps //go: comments and drops the rest', () => {
    const tokens = lexGo('// doc\n/* b */\n//go:noinline\nfunc', { comments: 'directives' });
    assert.deepEqual(tokens.map((t) => t.text), ['//go:noinline', 'func']);
  });
});
