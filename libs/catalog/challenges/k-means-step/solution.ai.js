/**
 * One Lloyd iteration of k-means: assign every point to its nearest centroid, then move every
 * centroid to the mean of its points. A centroid with no points stays where it was.
 *
 * @param {number[][]} points n points of dimension d
 * @param {number[][]} centroids k centroids of dimension d
 * @returns {{ assignments: number[], centroids: number[][] }}
 */
export function kMeansStep(points, centroids) {
  const k = centroids.length;
  const assignments = points.map((point) => {
    let best = 0;
    let bestDistance = Infinity;
    for (let j = 0; j < k; j++) {
      let distance = 0;
      for (let d = 0; d < point.length; d++) {
        const diff = point[d] - centroids[j][d];
        distance += diff * diff;
      }
      // Strictly smaller: on a tie the lower centroid index keeps the point.
      if (distance < bestDistance) {
        best = j;
        bestDistance = distance;
      }
    }
    return best;
  });

  const sums = centroids.map((c) => c.map(() => 0));
  const counts = new Array(k).fill(0);
  points.forEach((point, i) => {
    const j = assignments[i];
    counts[j] += 1;
    point.forEach((value, d) => {
      sums[j][d] += value;
    });
  });
  const next = centroids.map((centroid, j) => (counts[j] === 0 ? [...centroid] : sums[j].map((s) => s / counts[j])));
  return { assignments, centroids: next };
}
