/** Daily quotas reset at midnight UTC (DESIGN.md §4: per learner, per challenge, per day). */
export function quotaWindow(now: Date): { since: Date; resetsAt: Date } {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { since, resetsAt: new Date(since.getTime() + 24 * 60 * 60 * 1000) };
}
