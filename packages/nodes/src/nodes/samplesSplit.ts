/** samples.split: train/validation split (seeded), with optional undersampling of the training part. */
import { join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { readSamples, selectRows, writeSamples } from '../io/samplesStore.ts';
import { codesByName, splitSamples, undersample } from '../kernels/sampleSplit.ts';
import { countByClass } from '../ml/nodeHelpers.ts';

const params = z.object({
  trainFraction: z.number().min(0.05).max(0.95).default(0.7).describe('Share of rows used for training (0.05–0.95); the rest validates.').meta({ unit: 'fraction' }),
  seed: z.number().int().min(0).default(42).describe('Random seed: the same seed gives the same split.').meta({ unit: 'seed' }),
  strategy: z
    .enum(['random', 'stratified', 'polygon'])
    .default('random')
    .describe('"random" = rows shuffled together (as the notebook); "stratified" = the fraction within each class; "polygon" = whole polygons on one side (no neighbouring pixels of one polygon in both sets: an honest validation).'),
  balance: z
    .enum(['none', 'undersample'])
    .default('undersample')
    .describe('"undersample" = training rows of every class reduced to the count of the smallest class (as the notebook); validation rows are kept.'),
});

export const samplesSplit = defineNode({
  type: 'samples.split',
  version: 1,
  category: 'Samples',
  label: 'Split samples',
  description: 'Splits labelled samples into a training and a validation set (deterministic for a seed) and balances the classes of the training set.',
  inputs: { samples: { type: 'Samples', label: 'Samples' } },
  outputs: {
    train: { type: 'Samples', label: 'Train', description: 'Training rows (balanced if requested).' },
    validation: { type: 'Samples', label: 'Validation', description: 'Held-out rows for model.evaluate.' },
  },
  params,
  async run(ctx, inputs, p) {
    const table = await readSamples(inputs.samples);
    if (table.y.length === 0) throw new NodeError('The input samples are empty (0 rows): no pixel of the polygons had finite features.');
    // Random draws go class by class in name order, so reordering the classes changes no row's fate.
    const classOrder = codesByName(table.classes);
    const split = splitSamples(table.y, table.polygonId, { trainFraction: p.trainFraction, seed: p.seed, strategy: p.strategy, classOrder });
    const all = countByClass(table.y, table.classes);
    const before = countByClass(Array.from(split.train, (r) => table.y[r]), table.classes);
    for (const c of table.classes) {
      if (before[c] > 0) continue;
      const why = all[c] === 0 ? 'the input samples have no rows of this class' : `all ${all[c]} rows went to validation`;
      throw new NodeError(
        `Empty class "${c}" in the training set: ${why}. ${p.strategy === 'polygon' ? 'Add polygons of this class or use strategy "random".' : 'Add samples of this class or raise trainFraction.'}`,
        { param: all[c] === 0 ? undefined : 'trainFraction', code: 'empty-class' },
      );
    }
    const trainRows = p.balance === 'undersample' ? undersample(split.train, table.y, p.seed, classOrder) : split.train;
    ctx.signal.throwIfAborted();
    const train = await writeSamples(join(ctx.workDir, 'train.bin'), selectRows(table, trainRows));
    const validation = await writeSamples(join(ctx.workDir, 'validation.bin'), selectRows(table, split.validation));
    const validationCounts = countByClass(Array.from(split.validation, (r) => table.y[r]), table.classes);
    const emptyValidation = table.classes.filter((c) => validationCounts[c] === 0);
    return {
      outputs: { train, validation },
      summary: {
        strategy: p.strategy,
        balance: p.balance,
        rows: { input: table.y.length, train: train.rows, validation: validation.rows },
        perClass: table.classes.map((c) => ({
          className: c,
          input: all[c],
          trainBeforeBalance: before[c],
          train: countByClass(Array.from(trainRows, (r) => table.y[r]), table.classes)[c],
          validation: validationCounts[c],
        })),
        ...(emptyValidation.length ? { warning: `No validation rows for: ${emptyValidation.join(', ')}` } : {}),
      },
    };
  },
});
