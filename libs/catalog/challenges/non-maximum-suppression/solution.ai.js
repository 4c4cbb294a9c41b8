/**
 * Greedy non-maximum suppression.
 *
 * @param {[number, number, number, number][]} boxes [x1, y1, x2, y2] with x1 <= x2 and y1 <= y2
 * @param {number[]} scores one score per box
 * @param {number} iouThreshold a box is suppressed when its IoU with a kept box is greater than this
 * @returns {number[]} indices of the kept boxes, in the order they were kept
 */
export function nms(boxes, scores, iouThreshold) {
  const order = boxes.map((_, i) => i);
  order.sort((a, b) => (scores[a] !== scores[b] ? scores[b] - scores[a] : a - b));

  const area = (box) => (box[2] - box[0]) * (box[3] - box[1]);
  const iou = (p, q) => {
    const width = Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0]));
    const height = Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]));
    const intersection = width * height;
    const union = area(p) + area(q) - intersection;
    return union > 0 ? intersection / union : 0;
  };

  const kept = [];
  for (const candidate of order) {
    if (kept.every((index) => iou(boxes[index], boxes[candidate]) <= iouThreshold)) kept.push(candidate);
  }
  return kept;
}
