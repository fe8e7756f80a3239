// Draws the extension's marketplace icon (extension/icon.png, 256×256 RGBA): a two-tone shield
// with a check mark. Plain Node (zlib for the PNG's deflate), no image library, deterministic:
// run `node scripts/make-icon.mjs` after changing the drawing and commit the PNG.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 256;
const SAMPLES = 4; // per axis: 16 samples a pixel smooth the edges

// Shield outline in unit coordinates (0..1, y down): straight sides, then a pointed bottom.
const TOP = 0.08;
const SHOULDER = 0.5;
const TIP = 0.94;
const HALF = 0.36;
function shieldHalfWidth(y) {
  if (y < TOP || y > TIP) return -1;
  if (y <= SHOULDER) return HALF;
  const t = (y - SHOULDER) / (TIP - SHOULDER);
  return HALF * Math.pow(Math.cos((t * Math.PI) / 2), 0.75);
}
const inShield = (x, y, inset = 0) => {
  const h = shieldHalfWidth(y);
  return h - inset > 0 && Math.abs(x - 0.5) <= h - inset && y >= TOP + inset && y <= TIP - inset * 1.6;
};

// Check mark: two thick segments.
const CHECK = [
  [0.33, 0.5],
  [0.45, 0.63],
  [0.68, 0.36],
];
const STROKE = 0.055;
function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
const inCheck = (x, y) => distToSegment(x, y, CHECK[0], CHECK[1]) <= STROKE || distToSegment(x, y, CHECK[1], CHECK[2]) <= STROKE;

const WHITE = [255, 255, 255];
const RIM = [14, 55, 110];
const LEFT = [40, 120, 220];
const RIGHT = [25, 90, 180];

/** The colour at one sample point, or null outside the shield (transparent). */
function sample(x, y) {
  if (!inShield(x, y)) return null;
  if (!inShield(x, y, 0.035)) return RIM;
  if (inCheck(x, y)) return WHITE;
  return x < 0.5 ? LEFT : RIGHT;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let hits = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = sample((px + (sx + 0.5) / SAMPLES) / SIZE, (py + (sy + 0.5) / SAMPLES) / SIZE);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        hits++;
      }
    }
    const o = row + 1 + px * 4;
    if (hits > 0) {
      raw[o] = Math.round(r / hits);
      raw[o + 1] = Math.round(g / hits);
      raw[o + 2] = Math.round(b / hits);
      raw[o + 3] = Math.round((255 * hits) / (SAMPLES * SAMPLES));
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type: RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('../extension/icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote extension/icon.png (${SIZE}×${SIZE}, ${png.length} bytes)`);
