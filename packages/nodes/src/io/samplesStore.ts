/**
 * Samples live on disk as one binary file so that large sample sets never pass through JSON:
 * header (JSON, length-prefixed) then float32 X (rows x features, row-major), int32 class index, int32 polygon id.
 */
import { temporaryPath } from './atomicFile.ts';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Samples } from '../values.ts';

export interface SampleTable {
  features: string[];
  classes: string[];
  /** rows x features, row-major */
  X: Float32Array;
  /** class index per row (into `classes`) */
  y: Int32Array;
  polygonId: Int32Array;
}

export function sampleRows(table: SampleTable): number {
  return table.y.length;
}

export async function writeSamples(path: string, table: SampleTable): Promise<Samples> {
  const rows = table.y.length;
  if (table.X.length !== rows * table.features.length || table.polygonId.length !== rows) {
    throw new Error(`writeSamples: inconsistent table (${rows} rows, ${table.features.length} features, X has ${table.X.length})`);
  }
  const header = Buffer.from(JSON.stringify({ features: table.features, classes: table.classes, rows }));
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(header.length);
  // Pad the header so the float32 block starts 4-byte aligned.
  const pad = Buffer.alloc((4 - ((4 + header.length) % 4)) % 4);
  const body = Buffer.concat([
    headerLength,
    header,
    pad,
    Buffer.from(table.X.buffer, table.X.byteOffset, table.X.byteLength),
    Buffer.from(table.y.buffer, table.y.byteOffset, table.y.byteLength),
    Buffer.from(table.polygonId.buffer, table.polygonId.byteOffset, table.polygonId.byteLength),
  ]);
  const tmp = temporaryPath(path);
  await writeFile(tmp, body);
  await rename(tmp, path);
  return { kind: 'Samples', features: table.features, classes: table.classes, file: path, rows };
}

export async function readSamples(samples: Pick<Samples, 'file'>): Promise<SampleTable> {
  const buf = await readFile(samples.file);
  const headerLength = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8')) as { features: string[]; classes: string[]; rows: number };
  let offset = 4 + headerLength;
  offset += (4 - (offset % 4)) % 4;
  const { rows, features, classes } = header;
  const copy = (bytes: number) => {
    const slice = buf.subarray(offset, offset + bytes);
    offset += bytes;
    return new Uint8Array(slice).buffer; // copy: aligned, detached from the file buffer
  };
  const X = new Float32Array(copy(rows * features.length * 4));
  const y = new Int32Array(copy(rows * 4));
  const polygonId = new Int32Array(copy(rows * 4));
  return { features, classes, X, y, polygonId };
}

/** Rows selected by index, as a new table. */
export function selectRows(table: SampleTable, rows: ArrayLike<number>): SampleTable {
  const nf = table.features.length;
  const X = new Float32Array(rows.length * nf);
  const y = new Int32Array(rows.length);
  const polygonId = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    X.set(table.X.subarray(r * nf, (r + 1) * nf), i * nf);
    y[i] = table.y[r];
    polygonId[i] = table.polygonId[r];
  }
  return { features: table.features, classes: table.classes, X, y, polygonId };
}
