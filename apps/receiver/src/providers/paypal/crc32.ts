import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

/** The IEEE CRC-32 (zlib's), for Node versions before 20.15 that lack `zlib.crc32`. */
export function crc32Fallback(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** Unsigned CRC-32 of the raw bytes, as PayPal puts it (in decimal) into the string it signs. */
export function crc32(data: Uint8Array): number {
  return native ? native(data) >>> 0 : crc32Fallback(data);
}
