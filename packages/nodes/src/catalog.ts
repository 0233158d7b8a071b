/** Every registered node type. The runner's catalogue, the editor's palette and the docs derive from this list. */
import type { AnyNodeDefinition } from './define.ts';
import { s2Load } from './nodes/s2Load.ts';
import { s2LoadStac } from './nodes/s2LoadStac.ts';
import { s2CloudMask } from './nodes/s2CloudMask.ts';
import { s2Index } from './nodes/s2Index.ts';
import { s2Aggregate } from './nodes/s2Aggregate.ts';
import { rasterExport } from './nodes/rasterExport.ts';
import { vectorLoad } from './nodes/vectorLoad.ts';
import { samplesFromPolygons } from './nodes/samplesFromPolygons.ts';
import { samplesSeparability } from './nodes/samplesSeparability.ts';
import { samplesSplit } from './nodes/samplesSplit.ts';
import { modelXgboost } from './nodes/modelXgboost.ts';
import { modelDecisionTree } from './nodes/modelDecisionTree.ts';
import { modelEvaluate } from './nodes/modelEvaluate.ts';
import { modelClassify } from './nodes/modelClassify.ts';
import { changeDiff } from './nodes/changeDiff.ts';
import { rasterLoadClassMap } from './nodes/rasterLoadClassMap.ts';
import { validationSample } from './nodes/validationSample.ts';
import { validationSampleChange } from './nodes/validationSampleChange.ts';
import { demoLabelFromTruth } from './nodes/demoLabelFromTruth.ts';
import { validationAreaEstimate } from './nodes/validationAreaEstimate.ts';

export const nodeCatalog: AnyNodeDefinition[] = [
  s2Load,
  s2LoadStac,
  s2CloudMask,
  s2Index,
  s2Aggregate,
  rasterExport,
  vectorLoad,
  samplesFromPolygons,
  samplesSeparability,
  samplesSplit,
  modelXgboost,
  modelDecisionTree,
  modelEvaluate,
  modelClassify,
  changeDiff,
  rasterLoadClassMap,
  validationSample,
  validationSampleChange,
  demoLabelFromTruth,
  validationAreaEstimate,
] as unknown as AnyNodeDefinition[];

export function findNode(type: string): AnyNodeDefinition | undefined {
  return nodeCatalog.find((n) => n.type === type);
}
