// Every common GeoTIFF layout, made by gdal_translate from the real fixtures (same pixels), reads through the
// direct path and equals GDAL's own read of the variant, byte for byte; corrupt and truncated chunks in each
// codec fail naming the file and the chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeRaster, openRaster, type TypedArray } from './read.ts';

const data = join(import.meta.dirname, '../../../../../../shared/data');
const reason =
  (!existsSync(data) && `no fixtures at ${data}`) ||
  (spawnSync('gdal_translate', ['--version']).status !== 0 && 'no gdal_translate') ||
  (spawnSync('/usr/bin/python3', ['-c', 'from osgeo import gdal']).status !== 0 && 'no /usr/bin/python3 with osgeo.gdal');
const skip = reason && (process.env.CI ? false : reason);

const UINT16 = 'worldcereal-flanders-31ues/S2_SR_flanders31ues_2019_B8.tif'; // 64 x 64, 48 dates
const UINT8 = 'eolearn-svn-l1c/S2_L1C_svn_2015_probability.tif'; // 100 x 101, 5 dates
const FLOAT = 'eolearn-svn-l1c/extras_all_dates/S2_L1C_svn_2016_NDVI.tif'; // float32 with NaN

const tiles = ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=32'];
const strips = ['-co', 'TILED=NO', '-co', 'BLOCKYSIZE=6'];
const co = (...kv: string[]) => kv.flatMap((s) => ['-co', s]);

interface Variant {
  name: string;
  src: string;
  args: string[];
  /** Expected readPath. */
  path: string;
}
const variants: Variant[] = [];
for (const codec of ['DEFLATE', 'LZW', 'ZSTD', 'NONE']) {
  for (const interleave of ['PIXEL', 'BAND']) {
    for (const [layout, args] of [['tiled', tiles], ['striped', strips]] as const) {
      const predictor = codec === 'NONE' ? [] : co('PREDICTOR=2');
      const name = `${codec.toLowerCase()}-${interleave.toLowerCase()}-${layout}`;
      const path = `direct/${codec === 'NONE' ? 'none' : codec.toLowerCase()}/${interleave === 'BAND' ? 'band' : 'pixel'}-interleaved/${layout}${predictor.length ? '/predictor-2' : ''}`;
      variants.push({ name, src: UINT16, args: [...co(`COMPRESS=${codec}`, `INTERLEAVE=${interleave}`), ...predictor, ...args], path });
    }
  }
}
variants.push(
  { name: 'big-endian-deflate-band', src: UINT16, args: [...co('COMPRESS=DEFLATE', 'PREDICTOR=2', 'INTERLEAVE=BAND', 'ENDIANNESS=BIG'), ...tiles], path: 'direct/deflate/band-interleaved/tiled/predictor-2/big-endian' },
  { name: 'big-endian-none-pixel-striped', src: UINT16, args: [...co('COMPRESS=NONE', 'ENDIANNESS=BIG'), ...strips], path: 'direct/none/pixel-interleaved/striped/big-endian' },
  { name: 'bigtiff-lzw-band', src: UINT16, args: [...co('COMPRESS=LZW', 'PREDICTOR=2', 'INTERLEAVE=BAND', 'BIGTIFF=YES'), ...tiles], path: 'direct/lzw/band-interleaved/tiled/predictor-2/bigtiff' },
  { name: 'cog-with-overviews', src: UINT16, args: ['-of', 'COG', ...co('COMPRESS=DEFLATE', 'PREDICTOR=2', 'BLOCKSIZE=16', 'OVERVIEWS=AUTO', 'OVERVIEW_RESAMPLING=AVERAGE')], path: 'direct/deflate/pixel-interleaved/tiled/predictor-2' },
  { name: 'uint8-zstd-band', src: UINT8, args: [...co('COMPRESS=ZSTD', 'PREDICTOR=2', 'INTERLEAVE=BAND'), ...tiles], path: 'direct/zstd/band-interleaved/tiled/predictor-2' },
  { name: 'uint8-lzw-pixel-striped', src: UINT8, args: [...co('COMPRESS=LZW', 'INTERLEAVE=PIXEL'), ...strips], path: 'direct/lzw/pixel-interleaved/striped' },
);
for (const codec of ['DEFLATE', 'LZW', 'ZSTD']) {
  for (const interleave of ['PIXEL', 'BAND']) {
    variants.push({ name: `float-${codec.toLowerCase()}-${interleave.toLowerCase()}-predictor3`, src: FLOAT, args: [...co(`COMPRESS=${codec}`, 'PREDICTOR=3', `INTERLEAVE=${interleave}`), ...tiles], path: `direct/${codec.toLowerCase()}/${interleave === 'BAND' ? 'band' : 'pixel'}-interleaved/tiled/predictor-3` });
  }
}
variants.push(
  { name: 'float-big-endian-predictor3-striped', src: FLOAT, args: [...co('COMPRESS=DEFLATE', 'PREDICTOR=3', 'ENDIANNESS=BIG', 'INTERLEAVE=BAND'), ...strips], path: 'direct/deflate/band-interleaved/striped/predictor-3/big-endian' },
  { name: 'float-big-endian-none', src: FLOAT, args: [...co('COMPRESS=NONE', 'ENDIANNESS=BIG'), ...tiles], path: 'direct/none/pixel-interleaved/tiled/big-endian' },
);

/** GDAL's read of each whole file, all bands, as raw little-endian bytes ([band][row][col]), in one Python run. */
function gdalReads(files: string[]): Buffer[] {
  execFileSync('/usr/bin/python3', ['-c', `
import sys
from osgeo import gdal
for f in sys.argv[1:]:
    a = gdal.Open(f).ReadAsArray()
    open(f + '.gdal', 'wb').write(a.astype(a.dtype.newbyteorder('<')).tobytes())`, ...files]);
  return files.map((f) => readFileSync(`${f}.gdal`));
}

const bytes = (a: TypedArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('every layout reads like GDAL through the direct path', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-layouts-'));
  try {
    const files = variants.map((v) => {
      const file = join(dir, `${v.name}.tif`);
      execFileSync('gdal_translate', ['-q', ...v.args, join(data, v.src), file]);
      return file;
    });
    const reads = gdalReads(files);
    for (const [i, v] of variants.entries()) {
      const f = await openRaster(files[i]);
      assert.equal(f.readPath, v.path, v.name);
      const full = reads[i];
      const bpv = f.dataType === 'uint8' ? 1 : f.dataType === 'uint16' ? 2 : 4;
      const oneChunk = { x: 0, y: 0, width: Math.min(f.block.width, f.width), height: Math.min(f.block.height, f.height) }; // decoded in place
      for (const win of [{ x: 0, y: 0, width: f.width, height: f.height }, { x: 13, y: 7, width: 23, height: 41 }, { x: 16, y: 32, width: 16, height: 32 }, oneChunk]) {
        // GDAL's window, cut from its whole-file read: [band][row][col].
        const parts: Buffer[] = [];
        for (let b = 0; b < f.bandCount; b++) {
          for (let y = win.y; y < win.y + win.height; y++) {
            const start = ((b * f.height + y) * f.width + win.x) * bpv;
            parts.push(full.subarray(start, start + win.width * bpv));
          }
        }
        const expected = Buffer.concat(parts);
        const bands = await f.readWindow(win);
        assert.ok(Buffer.concat(bands.map(bytes)).equals(expected), `${v.name} ${JSON.stringify(win)}: readWindow differs from GDAL`);
        const inter = await f.readWindowInterleaved(win);
        const n = win.width * win.height;
        // Reordered as integers: a float copied through a JS number may lose its NaN payload.
        const src = inter instanceof Float32Array ? new Uint32Array(inter.buffer, inter.byteOffset, inter.length) : inter;
        const planar = new (src.constructor as new (n: number) => TypedArray)(inter.length);
        for (let p = 0; p < n; p++) for (let b = 0; b < f.bandCount; b++) planar[b * n + p] = src[p * f.bandCount + b];
        assert.ok(bytes(planar).equals(expected), `${v.name} ${JSON.stringify(win)}: readWindowInterleaved differs from GDAL`);
        assert.ok(bytes(await f.readWindowPlanar(win)).equals(expected), `${v.name} ${JSON.stringify(win)}: readWindowPlanar differs from GDAL`);
      }
      closeRaster(files[i]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Offset and size of the first chunk, from tiffinfo-free TIFF parsing through our own reader's tags. */
function firstChunk(file: string): { offset: number; count: number } {
  const info = execFileSync('/usr/bin/python3', ['-c', `
import sys
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
b = ds.GetRasterBand(1)
print(b.GetMetadataItem('BLOCK_OFFSET_0_0', 'TIFF'), b.GetMetadataItem('BLOCK_SIZE_0_0', 'TIFF'))`, file], { encoding: 'utf8' }).trim().split(' ').map(Number);
  return { offset: info[0], count: info[1] };
}

for (const codec of ['DEFLATE', 'LZW', 'ZSTD', 'NONE']) {
  test(`${codec}: a corrupt or truncated chunk fails naming the file and the chunk`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-corrupt-'));
    try {
      const good = join(dir, 'good.tif');
      execFileSync('gdal_translate', ['-q', ...co(`COMPRESS=${codec}`, 'INTERLEAVE=BAND'), ...tiles, join(data, UINT16), good]);
      const { offset, count } = firstChunk(good);
      if (codec !== 'NONE') {
        // Garbage over the middle of tile 0,0 of band 1.
        const bad = join(dir, 'corrupt.tif');
        execFileSync('cp', [good, bad]);
        const fd = openSync(bad, 'r+');
        writeSync(fd, Buffer.alloc(Math.max(4, count >> 1), 0xa7), 0, Math.max(4, count >> 1), offset + Math.min(2, count >> 2));
        closeSync(fd);
        const f = await openRaster(bad);
        await assert.rejects(f.readWindow({ x: 0, y: 0, width: 64, height: 64 }), (e: Error) => e.message.includes(bad) && /tile 0,0 of band 1/.test(e.message), 'corrupt tile named');
        closeRaster(bad);
      }
      // Cut the file inside its last chunk: the data of that chunk is missing.
      const cut = join(dir, 'cut.tif');
      execFileSync('cp', [good, cut]);
      truncateSync(cut, statSync(cut).size - 40);
      // Opening checks that every chunk lies inside the file, so the cut is reported before any read, naming the
      // file and the byte where its last chunk starts.
      await assert.rejects(openRaster(cut), (e: Error) => e.message.includes(cut) && /the file is truncated .*last tile or strip is at byte \d+/.test(e.message), 'truncated file named');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('ZSTD without the system libzstd: a clear error naming the file and what to install', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-nozstd-'));
  try {
    const file = join(dir, 'zstd.tif');
    execFileSync('gdal_translate', ['-q', ...co('COMPRESS=ZSTD'), join(data, UINT8), file]);
    const script = `import { openRaster } from ${JSON.stringify(join(import.meta.dirname, 'read.ts'))};
const f = await openRaster(${JSON.stringify(file)});
await f.readWindow({ x: 0, y: 0, width: 8, height: 8 }).then(() => console.log('read'), (e) => console.log(e.message));`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8', env: { ...process.env, SENTIFLOW_LIBZSTD: 'libzstd-not-installed.so.9' },
    });
    assert.match(res.stdout, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (tile 0,0|strip 0): .*libzstd could not be loaded.*apt-get install libzstd1`), res.stdout + res.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
