/**
 * A model's area of applicability on disk (applicability.json beside the model): the reference training rows
 * with their polygon ids, the standardisation and the threshold, in plain JSON so that anyone can recompute a
 * pixel's dissimilarity index (kernels/applicability.ts) without Sentiflow.
 */
import { readFile } from 'node:fs/promises';
import { buildDomain, DomainIndex, type Domain } from '../kernels/applicability.ts';
import type { SampleTable } from '../io/samplesStore.ts';
import { writeJsonAtomic } from './nodeHelpers.ts';

interface DomainFile {
  format: 'sentiflow-applicability';
  version: 1;
  method: string;
  features: string[];
  mean: number[];
  scale: number[];
  meanDistance: number;
  /** the class names, in code order */
  classNames: string[];
  /** per class code; null = no limit (the class has one polygon) */
  thresholds: (number | null)[];
  groups: number[];
  /** class code per reference row */
  classes: number[];
  /** raw feature values, one array per reference row */
  points: number[][];
}

export interface DomainSummary {
  referenceRows: number;
  /** per class name; null = no limit */
  thresholds: Record<string, number | null>;
}

/** Builds the domain of the training samples and writes it; null (and no file) when no row is complete. */
export function writeDomainOfSamples(path: string, t: SampleTable): DomainSummary | null {
  const nf = t.features.length;
  const domain = buildDomain(t.X, t.y.length, nf, t.polygonId, t.y, t.classes.length);
  if (!domain) return null;
  const n = domain.groups.length;
  const file: DomainFile = {
    format: 'sentiflow-applicability',
    version: 1,
    method:
      'Dissimilarity index (Meyer & Pebesma 2021): features standardised by these rows (mean, ddof-0 sd); DI = Euclidean distance to the nearest row of the class ' +
      'the model chose / meanDistance (the mean distance between rows); a pixel is outside when DI > that class\'s threshold, the largest DI of one of its rows ' +
      'to the nearest row of the same class in another polygon.',
    features: t.features,
    mean: Array.from(domain.mean),
    scale: Array.from(domain.scale),
    meanDistance: domain.meanDistance,
    classNames: t.classes,
    thresholds: domain.thresholds.map((v) => (Number.isFinite(v) ? v : null)),
    groups: Array.from(domain.groups),
    classes: Array.from(domain.classes),
    points: Array.from({ length: n }, (_, i) => Array.from(domain.points.subarray(i * nf, (i + 1) * nf))),
  };
  writeJsonAtomic(path, file);
  return { referenceRows: n, thresholds: Object.fromEntries(t.classes.map((c, i) => [c, file.thresholds[i]])) };
}

/** For a trainer's run summary. */
export function applicabilitySummary(s: DomainSummary) {
  return {
    referenceRows: s.referenceRows,
    thresholds: Object.fromEntries(
      Object.entries(s.thresholds).map(([c, v]) => [c, v === null ? 'none: one polygon of this class (draw more to check its pixels)' : Math.round(v * 1e4) / 1e4]),
    ),
  };
}

async function readDomain(path: string, features: string[]): Promise<Domain> {
  const f = JSON.parse(await readFile(path, 'utf8')) as DomainFile;
  if (f.format !== 'sentiflow-applicability' || f.version !== 1) throw new Error(`Not a Sentiflow applicability file (version 1): ${path}`);
  if (f.features.join('\u0000') !== features.join('\u0000')) {
    throw new Error(`The applicability file ${path} is for the features ${f.features.join(', ')}, not the model's ${features.join(', ')}.`);
  }
  const nf = features.length;
  const points = new Float32Array(f.points.length * nf);
  f.points.forEach((row, i) => points.set(row, i * nf));
  return {
    points,
    groups: Int32Array.from(f.groups),
    classes: Int32Array.from(f.classes),
    nFeatures: nf,
    mean: Float64Array.from(f.mean),
    scale: Float64Array.from(f.scale),
    meanDistance: f.meanDistance,
    thresholds: f.thresholds.map((v) => v ?? Infinity),
  };
}

const cache = new Map<string, Promise<DomainIndex>>();

/** The index of a model's domain, built once per file in a process (a worker classifies many chunks). */
export function loadDomainIndex(path: string, features: string[]): Promise<DomainIndex> {
  let p = cache.get(path);
  if (!p) {
    p = readDomain(path, features).then((d) => new DomainIndex(d));
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  return p;
}
