// Finding long runs of token characters fast: a run of at least `min` characters covers a
// position p with p % min === min - 1, so only those positions are probed (every `min`-th
// character) and a run is expanded only around a probe that lands inside one. On ordinary
// text this reads a fraction of the characters; it gates the costlier passes.

export type CharTest = (c: number) => boolean;

/** True when `s` holds a run of `min`+ characters passing `isChar` for which `accept(start, end)` holds. */
export function hasRun(s: string, min: number, isChar: CharTest, accept: (start: number, end: number) => boolean): boolean {
  let scannedTo = 0; // runs end before this index have been judged
  for (let probe = min - 1; probe < s.length; probe += min) {
    if (probe < scannedTo || !isChar(s.charCodeAt(probe))) continue;
    let start = probe;
    while (start > scannedTo && isChar(s.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < s.length && isChar(s.charCodeAt(end))) end++;
    scannedTo = end;
    if (end - start >= min && accept(start, end)) return true;
  }
  return false;
}

/** Letters, digits, `_` and `-`: the alphabet of provider tokens. */
export function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/** Base64 (`+`, `/`) and its padding. */
export function isBase64Char(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}
