// A minimal PMTiles v3 writer for the browser test's static mode: one root directory
// (uncompressed), tiles raw or gzipped (as `needsmap export pmtiles` writes them), in tile-id order (a "clustered" archive). The real exporter is
// `needsmap export pmtiles`; this one only packs tiles fetched from a running server so the
// static page can be tested without it. Tile ids come from the `pmtiles` package itself.
import { gzipSync } from 'node:zlib';
import { zxyToTileId } from 'pmtiles';

const HEADER_BYTES = 127;
const ROOT_LIMIT = 16384 - HEADER_BYTES;

function varint(out, n) {
  let v = BigInt(n);
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
}

/** The directory bytes for entries [{tileId, offset, length, runLength}], sorted by tileId. */
export function encodeDirectory(entries) {
  const out = [];
  varint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    varint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) varint(out, e.runLength);
  for (const e of entries) varint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    varint(out, i > 0 && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  });
  return Buffer.from(out);
}

/**
 * An archive of `tiles` ([{z, x, y, data: Uint8Array}], raw MVT) with JSON `metadata` and
 * `bounds` [w, s, e, n]. Returns a Buffer.
 */
export function writePmtiles(tiles, { metadata = {}, bounds, center, gzip = false }) {
  const sorted = tiles
    .map((t) => ({ ...t, data: gzip ? gzipSync(t.data) : t.data, tileId: zxyToTileId(t.z, t.x, t.y) }))
    .sort((a, b) => a.tileId - b.tileId);
  const entries = [];
  let offset = 0;
  for (const t of sorted) {
    entries.push({ tileId: t.tileId, offset, length: t.data.length, runLength: 1 });
    offset += t.data.length;
  }
  const root = encodeDirectory(entries);
  if (root.length > ROOT_LIMIT) throw new Error(`root directory of ${root.length} bytes needs leaf directories`);
  const meta = Buffer.from(JSON.stringify(metadata));
  const data = Buffer.concat(sorted.map((t) => Buffer.from(t.data)));
  const zooms = sorted.map((t) => t.z);
  const h = Buffer.alloc(HEADER_BYTES);
  h.write('PMTiles', 0, 'latin1');
  h.writeUInt8(3, 7);
  const rootOffset = HEADER_BYTES;
  const metaOffset = rootOffset + root.length;
  const dataOffset = metaOffset + meta.length;
  const u64 = (pos, v) => h.writeBigUInt64LE(BigInt(v), pos);
  u64(8, rootOffset);
  u64(16, root.length);
  u64(24, metaOffset);
  u64(32, meta.length);
  u64(40, dataOffset); // no leaf directories
  u64(48, 0);
  u64(56, dataOffset);
  u64(64, data.length);
  u64(72, sorted.length);
  u64(80, entries.length);
  u64(88, sorted.length);
  h.writeUInt8(1, 96); // clustered
  h.writeUInt8(1, 97); // internal compression: none
  h.writeUInt8(gzip ? 2 : 1, 98); // tile compression: gzip or none
  h.writeUInt8(1, 99); // MVT
  h.writeUInt8(Math.min(...zooms), 100);
  h.writeUInt8(Math.max(...zooms), 101);
  const e7 = (v) => Math.round(v * 1e7);
  h.writeInt32LE(e7(bounds[0]), 102);
  h.writeInt32LE(e7(bounds[1]), 106);
  h.writeInt32LE(e7(bounds[2]), 110);
  h.writeInt32LE(e7(bounds[3]), 114);
  const c = center || [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, Math.min(...zooms)];
  h.writeUInt8(c[2], 118);
  h.writeInt32LE(e7(c[0]), 119);
  h.writeInt32LE(e7(c[1]), 123);
  return Buffer.concat([h, root, meta, data]);
}

/** Tiles (z, x, y) covering a lon/lat box at zoom z (Web Mercator, XYZ). */
export function tilesCovering([w, s, e, n], z) {
  const N = 2 ** z;
  const tx = (lon) => Math.min(N - 1, Math.max(0, Math.floor(((lon + 180) / 360) * N)));
  const ty = (lat) => {
    const r = (lat * Math.PI) / 180;
    return Math.min(N - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * N)));
  };
  const out = [];
  for (let x = tx(w); x <= tx(e); x++) for (let y = ty(n); y <= ty(s); y++) out.push({ z, x, y });
  return out;
}
