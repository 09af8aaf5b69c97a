// Installs node_modules when they are missing or older than package-lock.json, so that the
// README's commands work on a fresh clone with nothing but Node, npm and Go on the machine.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || (existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  const command = existsSync('package-lock.json') ? 'npm ci' : 'npm install';
  console.log(`[setup] ${command} (node_modules missing or out of date)`);
  execSync(command, { stdio: 'inherit' });
}
