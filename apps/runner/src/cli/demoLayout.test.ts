// `sentiflow demo-data --layout`: the generator writes the GeoTIFF layout asked for, which GDAL and our reader see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeRaster, openRaster } from '@sentiflow/nodes/io/geotiff/read.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/sentiflow.mjs');
const reason = spawnSync('/usr/bin/python3', ['-c', 'from osgeo import gdal']).status !== 0 && 'no /usr/bin/python3 with osgeo.gdal';
const skip = reason && (process.env.CI ? false : reason);

test('demo-data --layout band writes that layout; an unknown layout is a usage error', { skip }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-demo-layout-'));
  try {
    const bad = spawnSync(process.execPath, [bin, 'demo-data', '--out', path.join(dir, 'x'), '--layout', 'diagonal'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--layout must be pixel, band or striped/);
    // One layout here (generation is the slow part); the writer's tests cover every layout.
    for (const [layout, interleave, readPath] of [['band', 'BAND', 'direct/deflate/band-interleaved/tiled']]) {
      const out = path.join(dir, layout);
      const res = spawnSync(process.execPath, [bin, 'demo-data', '--out', out, '--width', '96', '--height', '64', '--dates', '3', '--layout', layout], { encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
      const file = path.join(out, 'S2_SR_demo_2019_B8.tif');
      const info = spawnSync('/usr/bin/python3', ['-c', 'import sys\nfrom osgeo import gdal\nds = gdal.Open(sys.argv[1])\nprint(ds.GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE"), ds.RasterCount)', file], { encoding: 'utf8' });
      assert.equal(info.stdout.trim(), `${interleave} 3`, info.stderr);
      const f = await openRaster(file);
      assert.equal(f.readPath, readPath);
      closeRaster(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
