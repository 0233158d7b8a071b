/** Issue 8: the server against hostile graphs and clients (reserved ids, deep params, origins, limits). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chainGraph, postJson, startTestServer, type TestServer } from './testHelpers.ts';

const protoGraph = (failing: boolean) =>
  `{"graph":{"schema":"sentiflow/graph@1","name":"p","nodes":[{"id":"__proto__","type":"${failing ? 'test.fail' : 'test.source'}","version":1,"params":{}}],"links":[]}}`;

describe('hostile graphs', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  test('a "__proto__" node id is refused with a named problem and the server keeps accepting graphs', async () => {
    for (const failing of [false, true]) {
      const res = await fetch(`${s.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: protoGraph(failing) });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { problems: { code: string; nodeId?: string }[] };
      assert.deepEqual(body.problems.map((p) => [p.code, p.nodeId]), [['reserved-id', '__proto__']]);
    }
    assert.equal(({} as Record<string, unknown>).status, undefined);
    const bad = await postJson(`${s.url}/api/validate`, { graph: 42 });
    assert.equal(bad.status, 200);
    const res = await postJson(`${s.url}/api/runs`, { graph: chainGraph(0) });
    assert.equal(res.status, 202, await res.clone().text());
    assert.equal((await fetch(`${s.url}/api/health`)).status, 200);
  });
});
