// The test archive writer, read back with the `pmtiles` package (an independent reader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PMTiles, TileType } from 'pmtiles';
import { writePmtiles, tilesCovering } from './helpers/pmtiles-writer.mjs';

class BufferSource {
  constructor(buf) {
    this.buf = buf;
  }
  getKey() {
    return 'memory';
  }
  async getBytes(offset, length) {
    const b = this.buf.subarray(offset, offset + length);
    return { data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
  }
}

test('tiles written are read back by the pmtiles package', async () => {
  const box = [-2.69, 51.58, -1.61, 52.11];
  const coords = [0, 3, 7, 10].flatMap((z) => tilesCovering(box, z));
  const tiles = coords.map((c, i) => ({ ...c, data: new Uint8Array(Array.from({ length: 10 + (i % 7) }, (_, k) => (i * 31 + k) % 256)) }));
  const buf = writePmtiles(tiles, { metadata: { name: 't', vector_layers: [{ id: 'areas', fields: { code: 'String' } }] }, bounds: box });
  const p = new PMTiles(new BufferSource(buf));
  const h = await p.getHeader();
  assert.equal(h.specVersion, 3);
  assert.equal(h.tileType, TileType.Mvt);
  assert.deepEqual([h.minZoom, h.maxZoom], [0, 10]);
  assert.ok(Math.abs(h.minLon - box[0]) < 1e-6 && Math.abs(h.maxLat - box[3]) < 1e-6);
  assert.equal(h.numAddressedTiles, tiles.length);
  assert.deepEqual(await p.getMetadata(), { name: 't', vector_layers: [{ id: 'areas', fields: { code: 'String' } }] });
  for (const t of tiles) {
    const got = await p.getZxy(t.z, t.x, t.y);
    assert.ok(got, `tile ${t.z}/${t.x}/${t.y} is found`);
    assert.deepEqual(new Uint8Array(got.data), t.data);
  }
  // gzipped tiles come back decompressed by the reader
  const gz = new PMTiles(new BufferSource(writePmtiles(tiles, { bounds: box, gzip: true })));
  assert.equal((await gz.getHeader()).tileCompression, 2);
  const t0 = tiles[5];
  assert.deepEqual(new Uint8Array((await gz.getZxy(t0.z, t0.x, t0.y)).data), t0.data);
  // a tile not written is absent
  assert.equal(await p.getZxy(10, 0, 0), undefined);
  // at z10 the box spans x 504..507 (lon → x = (lon + 180) / 360 × 1024) and y 337..340
  // (lat → y = (1 − ln(tan φ + sec φ) / π) / 2 × 1024), worked by hand: 4 × 4 tiles
  const z10 = tilesCovering(box, 10);
  assert.equal(z10.length, 16);
  assert.deepEqual([Math.min(...z10.map((t) => t.x)), Math.max(...z10.map((t) => t.y))], [504, 340]);
});
