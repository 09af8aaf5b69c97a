// `npm start`: builds examples/hello for wasip1 with the real Go toolchain and runs it in our
// host through the wasip1 CLI, its folder preopened as "/" and its host module (host.mjs, which
// supplies the program's own //go:wasmimport functions) loaded. Type a name, or pipe one in.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const example = path.resolve('examples/hello');
const go = findGo();
console.log(`[start] ${go} build (GOOS=wasip1 GOARCH=wasm) ${path.relative(process.cwd(), example)}`);
execFileSync(go, ['build', '-o', 'hello.wasm', '.'], {
  cwd: example,
  stdio: 'inherit',
  env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm' },
});
// As a user runs it: the command itself (on Windows, which has no sh for its first line, through node).
const [command, ...prefix] = process.platform === 'win32' ? [process.execPath, 'bin/wasip1'] : ['bin/wasip1'];
console.log('[start] bin/wasip1 run --dir examples/hello::/ --env PWD=/ --import hello=examples/hello/host.mjs -- examples/hello/hello.wasm\n');
const run = spawnSync(command, [...prefix, 'run', '--dir', `${example}::/`, '--env', 'PWD=/', '--import', `hello=${path.join(example, 'host.mjs')}`, '--', path.join(example, 'hello.wasm')], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);

function findGo() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  if (process.env.GOROOT && existsSync(path.join(process.env.GOROOT, 'bin', 'go'))) return path.join(process.env.GOROOT, 'bin', 'go');
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  console.error('[start] no Go toolchain found: install Go 1.21 or newer, or put it on PATH');
  process.exit(1);
}
