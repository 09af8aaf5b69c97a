import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { declaresMainFunction, findMainPackages } from '../../../src/gotool/goMainPackages';
import { testGoBinary } from '../../support/goFixtures';

describe('main package discovery', () => {
  test('recognises package main with func main, not comments or strings that look like it', () => {
    assert.equal(declaresMainFunction('package main\n\nfunc main() {}\n'), true);
    assert.equal(declaresMainFunction('// Package x.\npackage main // the command\nimport "fmt"\nfunc main() { fmt.Println() }\n'), true);
    assert.equal(declaresMainFunction('package lib\n\nfunc main() {}\n'), false);
    assert.equal(declaresMainFunction('package main\n\nfunc helper() {}\n'), false);
    assert.equal(declaresMainFunction('/*\npackage main\n*/\npackage lib\nfunc main() {}\n'), false);
    assert.equal(declaresMainFunction('package main\nvar s = `\nfunc main() {}\n`\n'), false);
    assert.equal(declaresMainFunction('package main\ntype T struct{}\nfunc (T) main() {}\n'), false);
  });

  test('finds the same main packages as `go list` in a module, skipping testdata, vendor and dot folders', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'mainpkgs-'));
    const write = (file: string, text: string): void => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    write('go.mod', 'module example.com/m\n\ngo 1.21\n');
    write('main.go', 'package main\n\nfunc main() {}\n');
    write('cmd/tool/tool.go', 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("tool") }\n');
    write('cmd/tool/extra.go', 'package main\n\nfunc extra() {}\n');
    write('lib/lib.go', 'package lib\n\nfunc Lib() {}\n');
    write('lib/lib_test.go', 'package lib_test\n\nfunc main() {}\n');
    write('testdata/prog/main.go', 'package main\n\nfunc main() {}\n');
    write('.hidden/main.go', 'package main\n\nfunc main() {}\n');
    const ours = findMainPackages(root).map((dir) => path.relative(root, dir) || '.');
    assert.deepEqual(ours, ['.', path.join('cmd', 'tool')]);

    const listed = execFileSync(testGoBinary(), ['list', '-f', '{{if eq .Name "main"}}{{.Dir}}{{end}}', './...'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-buildvcs=false' },
    });
    const expected = listed.split('\n').filter(Boolean).map((dir) => path.relative(root, dir) || '.').sort();
    assert.deepEqual(ours, expected);
  });
});
