/**
 * The editor's API client against the real runner server (no mocks): a failed request must carry the
 * server's own sentence and its code in plain words, never "[object Object]".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError, createApi, type Api } from '../../apps/editor/src/api/client.ts';
import { chainGraph, startTestServer, type TestServer } from '../../apps/runner/src/server/testHelpers.ts';

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('the request should have failed');
}

describe('editor API client against the runner server', () => {
  let s: TestServer;
  let api: Api;
  before(async () => {
    s = await startTestServer();
    api = createApi(`${s.url}/`);
  });
  after(() => s.stop());

  test('a missing file shows the server message and "not found"', async () => {
    const e = await failure(api.files('no-such-folder'));
    assert.equal(e.status, 404);
    assert.equal(e.code, 'not-found');
    assert.equal(e.message, '"no-such-folder" does not exist (not found, HTTP 404)');
    assert.doesNotMatch(e.message, /object Object/);
  });

  test('a path leaving the data root is refused in words', async () => {
    const e = await failure(api.files('../etc'));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'bad-path');
    assert.match(e.message, /^"\.\.\/etc" contains "\.\."; paths must stay inside the data root \(the path is not allowed, HTTP 400\)$/);
  });

  test('an unknown run names the run', async () => {
    const e = await failure(api.run('nope'));
    assert.equal(e.code, 'unknown-run');
    assert.equal(e.message, 'unknown run "nope" (no such run, HTTP 404)');
  });

  test('a graph with problems comes back as problems, a good one starts', async () => {
    const bad = chainGraph(0);
    bad.nodes[1].params = { add: 'x' };
    const refused = await api.startRun(bad);
    assert.equal(refused.runId, undefined);
    assert.ok(refused.problems?.some((p) => p.nodeId === 'a' && p.param === 'add'));
    const { runId } = await api.startRun(chainGraph(0));
    assert.equal(typeof runId, 'string');
  });
});
