// Stopping a session while its program is still being built ends the build too: the editor's Cancel
// on the build's progress, or Stop, must not leave go compiling in the background.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { fixture, startSession } from './dapHarness';
import { processesCarrying } from '../support/processes';

describe('wasip1 debug adapter: stopping during the build', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('terminate while go builds (an empty build cache) ends go at once', async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'wasip1-cold-cache-'));
    try {
      const session = await startSession();
      dc = session.dc;
      const client = dc;
      await client.initializeRequest();
      const launched = client.launch({ program: fixture('dap_lines'), goEnv: { GOCACHE: cache } }).catch((error: Error) => error);
      // Wait until go runs with that cache (compiling the standard library takes far longer than this).
      const deadline = Date.now() + 30_000;
      while (processesCarrying(cache).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(processesCarrying(cache).length > 0, 'go is building');
      const stopped = Date.now();
      await client.terminateRequest();
      const outcome = await launched;
      assert.ok(outcome instanceof Error, 'the launch fails');
      assert.match(outcome.message, /cancelled/);
      while (processesCarrying(cache).length > 0 && Date.now() - stopped < 10_000) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(processesCarrying(cache), [], 'no go process is left building');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
