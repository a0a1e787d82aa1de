/**
 * Bilinear resize of a single-channel uint8 image (row-major) with half-pixel centres, as OpenCV's
 * INTER_LINEAR without antialiasing; values are rounded back to uint8.
 */
export function resizeBilinear(src: ArrayLike<number>, srcH: number, srcW: number, dstH: number, dstW: number): Uint8Array {
  const out = new Uint8Array(dstH * dstW);
  const sy = srcH / dstH;
  const sx = srcW / dstW;
  for (let y = 0; y < dstH; y++) {
    const fy = Math.min(srcH - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(srcH - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < dstW; x++) {
      const fx = Math.min(srcW - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(srcW - 1, x0 + 1);
      const wx = fx - x0;
      const top = src[y0 * srcW + x0]! * (1 - wx) + src[y0 * srcW + x1]! * wx;
      const bottom = src[y1 * srcW + x0]! * (1 - wx) + src[y1 * srcW + x1]! * wx;
      out[y * dstW + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return out;
}

/** The tight box [x, y, width, height] and pixel count of the pixels above `threshold`, or null when there are none. */
export function maskBox(pixels: ArrayLike<number>, height: number, width: number, threshold: number): { bbox: [number, number, number, number]; area: number } | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  let area = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x]! > threshold) {
        area++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return area === 0 ? null : { bbox: [x0, y0, x1 - x0 + 1, y1 - y0 + 1], area };
}
