/**
 * A QR symbol's modules as one SVG path: a rectangle per horizontal run of dark modules, in module units with the
 * quiet zone added. Pure: the encoding itself (version, error correction, masking) is the `qrcode` library's
 * (`QRCode.create`); this only draws its matrix.
 *
 * Why not the library's own renderers: `toDataURL` draws on a canvas and PNG-encodes it — 30–90 ms of main-thread
 * work and a megabyte of garbage per payment screen, measured in the renderer bench as the page's longest tasks —
 * and `toString({ type: 'svg' })` returns markup that would have to be injected as HTML. A path of runs is a few
 * kilobytes, built in well under a millisecond, and drawn by React like any other element.
 */

/** The part of `qrcode`'s BitMatrix this needs: `get(row, col)` is truthy for a dark module. */
export interface QrModules {
  size: number;
  get(row: number, col: number): number | boolean;
}

export interface QrDrawing {
  /** Side of the whole symbol in modules, quiet zone included: the SVG's viewBox is `0 0 side side`. */
  side: number;
  /** `M x y h w v 1 h -w z` for every run of dark modules. */
  path: string;
}

export function qrDrawing(modules: QrModules, margin: number): QrDrawing {
  if (!Number.isInteger(margin) || margin < 0)
    throw new RangeError(`margin must be a whole number ≥ 0: ${margin}`);
  const n = modules.size;
  const parts: string[] = [];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col += 1;
      const w = col - start;
      parts.push(`M${start + margin} ${row + margin}h${w}v1h-${w}z`);
    }
  }
  return { side: n + 2 * margin, path: parts.join('') };
}
