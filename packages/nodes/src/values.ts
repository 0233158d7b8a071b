/**
 * What flows on links. Every value is plain JSON (paths, numbers, strings) so that it can be cached on
 * disk, hashed, and posted to worker threads. Raster values are lazy: they describe how to read a window.
 */
import type { Grid } from './grid.ts';

export const SOCKET_TYPES = ['TimeSeries', 'Composite', 'Polygons', 'Samples', 'Model', 'Metrics', 'ClassMap', 'Change', 'Points'] as const;
export type SocketType = (typeof SOCKET_TYPES)[number];

/** One GeoTIFF (or a GEE split export of several tiles) whose raster bands are acquisitions. */
export interface RasterSource {
  /** Absolute paths with the pixel offset of each tile in the mosaic (a single file has one tile at 0,0). */
  tiles: { path: string; xOff: number; yOff: number; width: number; height: number }[];
  width: number;
  height: number;
  bandCount: number;
}

export type CloudMaskSpec =
  | { method: 'probability'; threshold: number }
  | { method: 'scl'; classes: number[] }
  | {
      method: 'reference';
      /** Reflectance (0..1) by which a band must exceed its reference. */
      threshold: number;
      /** The first reference band (kept for older readers); `bands` lists them all. */
      referenceBand: string;
      lowestFraction: number;
      /** Reference bands (default [referenceBand]). */
      bands?: string[];
      /** 'lowestMean' = mean of the lowest `lowestFraction` of valid values (default); 'quantile' = numpy's nanquantile at `quantile`. */
      statistic?: 'lowestMean' | 'quantile';
      quantile?: number;
      /** A date is cloudy when any (default) or all reference bands exceed their reference. */
      combine?: 'any' | 'all';
    }
  | { method: 'none' };

export interface IndexSpec {
  name: string;
  /** Expression over band names, in surface reflectance (0..1), e.g. "(B8 - B4) / (B8 + B4)". */
  expression: string;
}

export interface TimeSeries {
  kind: 'TimeSeries';
  grid: Grid;
  /** ISO-8601 acquisition times, one per raster band of every source. */
  dates: string[];
  /** Reflectance bands by name (B2, B3, ...): uint16 DN, 0 = nodata. */
  bands: Record<string, RasterSource>;
  /** Cloud layer if loaded: s2cloudless probability 0..100 or Sen2Cor SCL classes. */
  cloud?: { layer: 'probability' | 'scl'; source: RasterSource };
  /** Subtracted from every DN before use (1000 for non-harmonized L2A with processing baseline >= 04.00). */
  dnOffset: number;
  mask: CloudMaskSpec;
  indices: IndexSpec[];
  /** Names available to aggregate, in order: bands then indices. */
  variables: string[];
}

export interface Composite {
  kind: 'Composite';
  grid: Grid;
  features: string[];
  /** Pixel-interleaved float32 raw file (row-major, features innermost), NaN = no data. */
  file: string;
}

export interface PolygonFeature {
  id: number;
  className: string;
  /** Polygon rings in the raster CRS: [polygon][ring][point][x,y]; MultiPolygons flattened to polygons. */
  polygons: number[][][][];
}

export interface Polygons {
  kind: 'Polygons';
  crs: import('./grid.ts').Crs;
  classes: string[];
  features: PolygonFeature[];
  /** The source file or folder, for messages. */
  source: string;
}

export interface Samples {
  kind: 'Samples';
  features: string[];
  classes: string[];
  /** Binary file written by io/samplesStore.ts: float32 matrix (rows x features), int32 class index, int32 polygon id. */
  file: string;
  rows: number;
}

export interface DecisionTreeNode {
  /** Leaf when feature < 0. */
  feature: number;
  threshold: number;
  left: number;
  right: number;
  /** Class counts (weighted) at this node. */
  value: number[];
  impurity: number;
  samples: number;
}

export interface Model {
  kind: 'Model';
  algorithm: 'xgboost' | 'decisionTree';
  features: string[];
  classes: string[];
  /** XGBoost JSON model file, or a JSON file with { nodes: DecisionTreeNode[] }. */
  file: string;
  /**
   * applicability.json: the training rows the model's area of applicability is measured against
   * (ml/applicabilityFile.ts); absent for models trained before it existed or on no complete row.
   */
  applicability?: string;
}

export interface Metrics {
  kind: 'Metrics';
  classes: string[];
  accuracy: number;
  kappa: number;
  /** confusion[trueClass][predictedClass] */
  confusion: number[][];
  perClass: { className: string; precision: number; recall: number; f1: number; support: number }[];
  /**
   * Rows the tie rule left uncertain (model.evaluate): not in accuracy, kappa, confusion or perClass.
   * byClass[i] = uncertain rows whose true class is i; accuracyAllRows counts them as wrong.
   */
  uncertain?: { rows: number; share: number; byClass: number[]; accuracyAllRows: number };
}

export { NODATA_CODE, UNCERTAIN_CODE, UNCERTAIN_NAME } from '@sentiflow/protocol/classCodes.ts';

export interface ClassMap {
  kind: 'ClassMap';
  grid: Grid;
  /** classes[i] is the name of code i. Codes 0..n-1; UNCERTAIN_CODE and NODATA_CODE are not classes. */
  classes: string[];
  /** uint8 class GeoTIFF: 0..n-1, UNCERTAIN_CODE = uncertain, NODATA_CODE = no data. */
  classFile: string;
  /** float32 per-class probability GeoTIFF, one band per class (absent for maps loaded from elsewhere). */
  probabilityFile?: string;
  /** float32 GeoTIFF, band 1 = highest probability, band 2 = margin to the second (absent when unknown). */
  confidenceFile?: string;
  /** km² per class name, plus UNCERTAIN_NAME when the map has uncertain pixels. */
  classAreasKm2: Record<string, number>;
}

export interface Change {
  kind: 'Change';
  classes: string[];
  /**
   * Row/column labels of the transition matrices: the classes in code order, then UNCERTAIN_NAME (always
   * present, possibly all zeros), so uncertain area is its own row and column and never counted as a class.
   */
  labels?: string[];
  /** The change of interest (default forest -> ASGM), named in the headline. */
  focus?: { from: string; to: string };
  transitionPixels: number[][];
  transitionKm2: number[][];
  areaBeforeKm2: Record<string, number>;
  areaAfterKm2: Record<string, number>;
  changePercent: Record<string, number | null>;
  transitionFile: string;
  probabilityDiffFiles: Record<string, string>;
}

/** A stratified random sample of pixels to label (validation.sample*), and how it was drawn. */
export interface Points {
  kind: 'Points';
  /** 'map': strata are the classes of one map; 'change': the transitions between two maps. */
  design: 'map' | 'change';
  grid: Grid;
  classes: string[];
  /** The class GeoTIFF(s) the strata come from: [map] or [before, after]. */
  classFiles: string[];
  /** Names of the years or maps, e.g. ['2019', '2022'], for column headings and views. */
  mapNames: string[];
  /**
   * Pixel counts by code: for 'map' [class 0..n-1, uncertain]; for 'change' an (n+1) x (n+1) matrix flattened
   * row-major over (before, after) with index n = uncertain. Pixels with no data are not counted.
   */
  pixelCounts: number[];
  /** Buffer stratum of stable pixels within `pixels` of class code `around` in the last map (validation/strata.ts). */
  buffer?: { pixels: number; around: number };
  /** Strata in stratum-index order (see validation/strata.ts) with their pixels and sample size. */
  strata: { name: string; pixels: number; points: number }[];
  count: number;
  seed: number;
  /** points.geojson (RFC 7946, lon/lat) and points.csv in the node's folder. */
  geojsonFile: string;
  csvFile: string;
  /** Labels already made for these points (e.g. demo.labelFromTruth), used when validation.areaEstimate names none. */
  labelsFile?: string;
  /** Where those labels come from, e.g. 'demo ground truth'. */
  labelsSource?: string;
}

export interface SocketValues {
  TimeSeries: TimeSeries;
  Composite: Composite;
  Polygons: Polygons;
  Samples: Samples;
  Model: Model;
  Metrics: Metrics;
  ClassMap: ClassMap;
  Change: Change;
  Points: Points;
}
