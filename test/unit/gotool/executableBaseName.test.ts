// The name go build gives a main package's binary, which the build task gives the .wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executableBaseName } from '../../../src/gotool/wasip1Build';

test('a module root is named after its module path, a subpackage after its folder', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'exename-'));
  try {
    writeFileSync(path.join(root, 'go.mod'), '// the workspace\nmodule example.com/hello\n\ngo 1.21\n');
    mkdirSync(path.join(root, 'cmd', 'tool'), { recursive: true });
    assert.equal(executableBaseName(root), 'hello');
    assert.equal(executableBaseName(path.join(root, 'cmd', 'tool')), 'tool');
    writeFileSync(path.join(root, 'go.mod'), 'module "example.com/hello/v2"\n');
    assert.equal(executableBaseName(root), 'hello', 'a major version suffix is skipped, as go does');
    writeFileSync(path.join(root, 'go.mod'), 'go 1.21\n');
    assert.equal(executableBaseName(root), path.basename(root), 'no module line: the folder');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
