// Plausible but wrong: guards the division with `|| 1`, so a centroid that lost all its points
// collapses to the origin instead of staying where it was.
export function kMeansStep(points, centroids) {
  const dist = (a, b) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  const assignments = points.map((p) => {
    let best = 0;
    for (let j = 1; j < centroids.length; j++) if (dist(p, centroids[j]) < dist(p, centroids[best])) best = j;
    return best;
  });
  const sums = centroids.map((c) => c.map(() => 0));
  const counts = centroids.map(() => 0);
  points.forEach((p, i) => {
    counts[assignments[i]]++;
    p.forEach((v, d) => (sums[assignments[i]][d] += v));
  });
  return { assignments, centroids: sums.map((s, j) => s.map((v) => v / (counts[j] || 1))) };
}
