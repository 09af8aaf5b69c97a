// A small Go lexer: just enough of the language spec's lexical grammar to tell code from
// comments, strings and runes, so that `//go:wasmimport` inside a string or a block comment
// is never mistaken for a directive. Positions are 0-based lines and UTF-16 columns, the
// same units VS Code's Position uses, so the editor can use them without conversion.

export type GoTokenKind =
  | 'ident'
  | 'number'
  | 'string' // "interpreted", escapes left as written
  | 'rawString' // `raw`, may span lines
  | 'rune'
  | 'op'
  | 'lineComment' // text includes the leading //, excludes the newline (and a trailing \r)
  | 'blockComment';

export interface GoToken {
  kind: GoTokenKind;
  text: string;
  /** Offset of the first character in the source text. */
  start: number;
  /** Offset just past the last character. */
  end: number;
  line: number;
  column: number;
  /**
   * A newline separates this token from the previous non-comment token. Go inserts
   * semicolons at such newlines, so the parser needs this to know where a declaration ends.
   */
  newlineBefore: boolean;
  /** Nothing but spaces and tabs precede the token on its line (the compiler's "blank" flag). */
  firstOnLine: boolean;
}

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_DQUOTE = 34;
const CH_SQUOTE = 39;
const CH_STAR = 42;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_BACKSLASH = 92;
const CH_BACKQUOTE = 96;
const CH_BOM = 0xfeff;

function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 0x80
  );
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Multi-character operators the declaration parser cares about; any other operator is lexed one character at a time. */
const LONG_OPERATORS = ['...', '<-', ':=', '&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '&^', '++', '--'];
const LONG_OPERATOR_START_CODES = new Set([...'.<:&|=!>+-'].map((ch) => ch.charCodeAt(0)));
/** Shared strings for one-character operators, so punctuation costs no allocation. */
const SINGLE_CHAR_TEXT: Record<number, string> = Object.fromEntries([...'()[]{},;.*=+-/%&|^<>!~:?@#$\\'].map((ch) => [ch.charCodeAt(0), ch]));

export interface GoLexOptions {
  /**
   * 'directives' keeps only line comments starting with `//go:` — all the wasm scanner needs —
   * and skips creating a token for every other comment, a large share of Go source.
   */
  comments?: 'all' | 'directives';
}

/** Splits Go source into tokens. Never throws: malformed input (unterminated strings etc.) still yields tokens. */
export function lexGo(text: string, options: GoLexOptions = {}): GoToken[] {
  const keepAllComments = options.comments !== 'directives';
  const tokens: GoToken[] = [];
  const length = text.length;
  let pos = text.charCodeAt(0) === CH_BOM ? 1 : 0;
  let line = 0;
  let lineStart = 0;
  let newlineSinceCode = false;
  let onlySpaceSoFar = true;

  const push = (kind: GoTokenKind, start: number, startLine: number, startColumn: number, firstOnLine: boolean): void => {
    tokens.push({
      kind,
      text: text.slice(start, pos),
      start,
      end: pos,
      line: startLine,
      column: startColumn,
      newlineBefore: newlineSinceCode,
      firstOnLine,
    });
  };

  /** Counts the line breaks inside a token that may span lines, from `pos` to `stop`; true if there were any. */
  const crossLines = (stop: number): boolean => {
    let crossed = false;
    for (let i = text.indexOf('\n', pos); i >= 0 && i < stop; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
      crossed = true;
    }
    return crossed;
  };

  while (pos < length) {
    const c = text.charCodeAt(pos);
    if (c === CH_SPACE || c === CH_TAB || c === CH_CR) {
      pos++;
      continue;
    }
    if (c === CH_LF) {
      pos++;
      line++;
      lineStart = pos;
      newlineSinceCode = true;
      onlySpaceSoFar = true;
      continue;
    }

    const start = pos;
    const startLine = line;
    const startColumn = pos - lineStart;
    const firstOnLine = onlySpaceSoFar;
    onlySpaceSoFar = false;

    if (c === CH_SLASH && text.charCodeAt(pos + 1) === CH_SLASH) {
      let stop = text.indexOf('\n', pos);
      if (stop < 0) stop = length;
      pos = stop;
      // A CRLF file's comment must not carry the \r: directive fields are split on whitespace anyway,
      // but the editor underlines the exact text.
      const textEnd = stop > start && text.charCodeAt(stop - 1) === CH_CR ? stop - 1 : stop;
      if (!keepAllComments && !text.startsWith('//go:', start)) continue;
      tokens.push({
        kind: 'lineComment',
        text: text.slice(start, textEnd),
        start,
        end: textEnd,
        line: startLine,
        column: startColumn,
        newlineBefore: newlineSinceCode,
        firstOnLine,
      });
      continue;
    }
    if (c === CH_SLASH && text.charCodeAt(pos + 1) === CH_STAR) {
      let stop = text.indexOf('*/', pos + 2);
      stop = stop < 0 ? length : stop + 2;
      // Go treats a comment spanning lines like a newline for semicolon insertion.
      if (crossLines(stop)) newlineSinceCode = true;
      pos = stop;
      if (keepAllComments) push('blockComment', start, startLine, startColumn, firstOnLine);
      continue;
    }

    if (isIdentChar(c) && !isDigit(c)) {
      pos++;
      while (pos < length && isIdentChar(text.charCodeAt(pos))) pos++;
      push('ident', start, startLine, startColumn, firstOnLine);
    } else if (isDigit(c) || (c === CH_DOT && isDigit(text.charCodeAt(pos + 1)))) {
      pos = numberEnd(text, pos);
      push('number', start, startLine, startColumn, firstOnLine);
    } else if (c === CH_DQUOTE || c === CH_SQUOTE) {
      pos = quotedEnd(text, pos, c);
      push(c === CH_DQUOTE ? 'string' : 'rune', start, startLine, startColumn, firstOnLine);
    } else if (c === CH_BACKQUOTE) {
      let stop = text.indexOf('`', pos + 1);
      stop = stop < 0 ? length : stop + 1;
      crossLines(stop);
      pos = stop;
      push('rawString', start, startLine, startColumn, firstOnLine);
    } else {
      const long = LONG_OPERATOR_START_CODES.has(c) ? LONG_OPERATORS.find((op) => text.startsWith(op, pos)) : undefined;
      pos += long ? long.length : 1;
      tokens.push({
        kind: 'op',
        text: long ?? SINGLE_CHAR_TEXT[c] ?? text.charAt(start),
        start,
        end: pos,
        line: startLine,
        column: startColumn,
        newlineBefore: newlineSinceCode,
        firstOnLine,
      });
    }
    newlineSinceCode = false;
  }
  return tokens;
}

function numberEnd(text: string, pos: number): number {
  const hex = text.charCodeAt(pos) === 48 && (text.charCodeAt(pos + 1) | 0x20) === 120; // 0x / 0X
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    const lower = c | 0x20;
    // Exponents may carry a sign: 1e-9, 0x1p+3. In hex literals 'e' is a digit, not an exponent.
    if ((lower === 112 || (!hex && lower === 101)) && (text.charCodeAt(pos + 1) === 43 || text.charCodeAt(pos + 1) === 45)) {
      pos += 2;
      continue;
    }
    if (isIdentChar(c) || c === CH_DOT) {
      pos++;
      continue;
    }
    break;
  }
  return pos;
}

/** End of a "string" or 'rune': the closing quote, or the end of the line when unterminated. */
function quotedEnd(text: string, pos: number, quote: number): number {
  pos++;
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c === CH_BACKSLASH) {
      // A backslash before the newline must not swallow it: the line count depends on it.
      if (text.charCodeAt(pos + 1) === CH_LF) return pos + 1;
      pos += 2;
      continue;
    }
    if (c === quote) return pos + 1;
    if (c === CH_LF) return pos;
    pos++;
  }
  return text.length;
}
