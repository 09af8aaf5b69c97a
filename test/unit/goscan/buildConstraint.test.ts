import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  BuildConstraintSyntaxError, buildExprTags, evaluateBuildExpr, parseBuildExpression, wasip1BuildTags,
} from '../../../src/goscan/buildConstraint';

describe('//go:build expressions', () => {
  test('precedence: && binds tighter than ||, ! tightest', () => {
    const expr = parseBuildExpression('a || b && !c');
    assert.equal(evaluateBuildExpr(expr, (t) => t === 'a'), true);
    assert.equal(evaluateBuildExpr(expr, (t) => t === 'b'), true);
    assert.equal(evaluateBuildExpr(expr, (t) => t === 'b' || t === 'c'), false);
    assert.deepEqual(buildExprTags(expr), ['a', 'b', 'c']);
  });

  test('parentheses', () => {
    const expr = parseBuildExpression('(a || b) && c');
    assert.equal(evaluateBuildExpr(expr, (t) => t === 'a'), false);
    assert.equal(evaluateBuildExpr(expr, (t) => t === 'a' || t === 'c'), true);
  });

  test('malformed expressions throw a syntax error', () => {
    for (const bad of ['', 'a &&', '(a', 'a b', 'a | b']) {
      assert.throws(() => parseBuildExpression(bad), BuildConstraintSyntaxError, bad);
    }
  });

  test('the wasip1 tag set of a release', () => {
    const go123 = wasip1BuildTags(23);
    assert.equal(evaluateBuildExpr(parseBuildExpression('wasip1 && wasm && go1.21 && go1.23'), go123), true);
    assert.equal(evaluateBuildExpr(parseBuildExpression('go1.24'), go123), false);
    assert.equal(evaluateBuildExpr(parseBuildExpression('unix || js || cgo'), go123), false);
    assert.equal(evaluateBuildExpr(parseBuildExpression('purego'), wasip1BuildTags(23, ['purego'])), true);
  });
});
