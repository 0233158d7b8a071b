/**
 * The layer rules in eslint.layers.js catch upward imports: each case lints one import line as if it were in
 * the named file (ESLint's own API on the repository's config) and expects no-restricted-imports to fire.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from './needs.ts';

const eslint = new ESLint({ cwd: repoRoot });

async function restricted(file: string, code: string): Promise<boolean> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: join(repoRoot, file) });
  return result.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

const upward: [string, string][] = [
  ['packages/protocol/src/x.ts', "import { readFileSync } from 'node:fs';"],
  ['packages/protocol/src/x.ts', "import type { Grid } from '@sentiflow/nodes/grid.ts';"],
  ['packages/nodes/src/values.ts', "import type { NodeContext } from './define.ts';"],
  ['packages/nodes/src/kernels/x.ts', "import { openRaster } from '../io/geotiff/read.ts';"],
  ['packages/nodes/src/kernels/x.ts', "import { NodeError } from '../define.ts';"],
  ['packages/nodes/src/kernels/x.ts', "import { readFileSync } from 'node:fs';"],
  ['packages/nodes/src/io/geotiff/x.ts', "import { readCompositeWindow } from '../../raster/compositeStore.ts';"],
  ['packages/nodes/src/io/x.ts', "import { NodeError } from '../define.ts';"],
  ['packages/nodes/src/io/x.ts', "import { s2Load } from '../nodes/s2Load.ts';"],
  ['packages/nodes/src/ml/x.ts', "import type { TaskResult } from '../tasks.ts';"],
  ['packages/nodes/src/ml/x.ts', "import { NodeError } from '../define.ts';"],
  ['packages/nodes/src/validation/x.ts', "import { NodeError, type NodeContext } from '../define.ts';"],
  ['packages/nodes/src/validation/x.ts', "import { modelClassify } from '../nodes/modelClassify.ts';"],
  ['packages/nodes/src/kernels/x.ts', "import { drawSample } from '../validation/sampleDesign.ts';"],
  ['packages/nodes/src/kernels/sub/x.ts', "import { NodeError } from '../../define.ts';"],
  ['packages/nodes/src/io/x.ts', "import { readStrata } from '../validation/strata.ts';"],
  ['packages/nodes/src/fanOut.ts', "import { openRaster } from './io/geotiff/read.ts';"],
  ['packages/nodes/src/errors.ts', "import { mean } from './kernels/temporalReduce.ts';"],
  ['packages/nodes/src/chunkTask.ts', "import { chunkTasks } from './tasks.ts';"],
  ['packages/nodes/src/nodes/x.ts', "import { runNode } from '../../../../apps/runner/src/engine/runNode.ts';"],
  ['apps/runner/src/engine/x.ts', "import { api } from '../../../editor/src/api/client.ts';"],
  ['packages/nodes/src/raster/x.ts', "import { s2Aggregate } from '../nodes/s2Aggregate.ts';"],
  ['packages/nodes/src/nodes/x.ts', "import express from 'express';"],
  ['packages/nodes/src/nodes/x.ts', "import { createRun } from '@sentiflow/runner';"],
  ['apps/runner/src/engine/x.ts', "import { startServer } from '../server/index.ts';"],
  ['apps/runner/src/engine/x.ts', "import { main } from '../cli/main.ts';"],
  ['apps/runner/src/pool/x.ts', "import express from 'express';"],
  ['apps/runner/src/server/x.ts', "import { api } from '../../../editor/src/api/client.ts';"],
  ['apps/runner/src/cli/x.ts', "import { api } from '@sentiflow/editor/src/api/client.ts';"],
  ['apps/editor/src/x.ts', "import type { Graph } from '../../runner/src/engine/types.ts';"],
  ['apps/editor/src/x.ts', "import { createRun } from '@sentiflow/runner';"],
  ['apps/editor/src/x.ts', "import { nodeCatalog } from '@sentiflow/nodes/catalog.ts';"],
  ['apps/editor/src/views/x.ts', "import { UNCERTAIN_CODE } from '../../../../packages/nodes/src/values.ts';"],
  ['apps/editor/src/graph/x.ts', "import { useSyncExternalStore } from 'react';"],
  ['apps/editor/src/graph/x.ts', "import { NodeEditor } from 'rete';"],
  ['apps/editor/src/graph/x.ts', "import { getView } from '../controller.ts';"],
  ['apps/editor/src/graph/x.ts', "import type { Graph } from '../../../runner/src/engine/types.ts';"],
];

const allowed: [string, string][] = [
  ['packages/protocol/src/x.ts', "import { z } from 'zod';"],
  ['packages/nodes/src/kernels/x.ts', "import type { Grid } from '../grid.ts';"],
  ['packages/nodes/src/io/x.ts', "import { NodeError } from '../errors.ts';"],
  ['packages/nodes/src/ml/x.ts', "import type { TaskResult } from '../chunkTask.ts';"],
  ['packages/nodes/src/ml/x.ts', "import { NodeError } from '../errors.ts';"],
  ['packages/nodes/src/io/stac/x.ts', "import { fanOut } from '../../fanOut.ts';"],
  ['packages/nodes/src/kernels/x.ts', "import { NodeError } from '../errors.ts';"],
  ['packages/nodes/src/validation/x.ts', "import { NodeError } from '../errors.ts';"],
  ['packages/nodes/src/nodes/x.ts', "import { forEachWindow } from '../fanOut.ts';"],
  ['packages/nodes/src/nodes/x.ts', "import { classifyWindow } from '../ml/classifyTask.ts';"],
  ['apps/runner/src/server/x.ts', "import { defineTask } from '@sentiflow/nodes/chunkTask.ts';"],
  ['packages/nodes/src/nodes/x.ts', "import { NodeError } from '../define.ts';"],
  ['apps/runner/src/server/x.ts', "import { createRun } from '../engine/run.ts';"],
  ['apps/editor/src/x.ts', "import { applyEvent } from '@sentiflow/protocol';"],
  ['apps/editor/src/x.ts', "import { checkExpression } from '@sentiflow/nodes/kernels/expression.ts';"],
  ['apps/editor/src/views/x.ts', "import type { Change } from '../../../../packages/nodes/src/values.ts';"],
  ['apps/editor/src/graph/x.ts', "import { linkRefusal } from '../model/catalog.ts';"],
  ['apps/editor/src/graph/x.ts', "import { graphSchema } from '@sentiflow/protocol';"],
  ['apps/editor/src/rete/x.ts', "import { connect } from '../graph/commands.ts';"],
  ['packages/nodes/src/kernels/x.test.ts', "import { execFileSync } from 'node:child_process';"],
];

test('upward imports fail lint', async () => {
  for (const [file, code] of upward) assert.ok(await restricted(file, code), `${file}: ${code} should be refused`);
});

test('downward imports pass', async () => {
  for (const [file, code] of allowed) assert.equal(await restricted(file, code), false, `${file}: ${code} should be allowed`);
});
