// Plausible but wrong: the "+ 1" pixel convention of old detection code (boxes as inclusive pixel
// ranges). With continuous coordinates every width and height is one unit too large, so IoU is
// overestimated: small or normalised boxes get suppressed that should be kept.
export function nms(boxes, scores, iouThreshold) {
  const order = boxes.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const area = (b) => (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
  const keep = [];
  for (const i of order) {
    let suppressed = false;
    for (const j of keep) {
      const w = Math.max(0, Math.min(boxes[i][2], boxes[j][2]) - Math.max(boxes[i][0], boxes[j][0]) + 1);
      const h = Math.max(0, Math.min(boxes[i][3], boxes[j][3]) - Math.max(boxes[i][1], boxes[j][1]) + 1);
      const inter = w * h;
      if (inter / (area(boxes[i]) + area(boxes[j]) - inter) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) keep.push(i);
  }
  return keep;
}
