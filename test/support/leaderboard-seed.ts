import { randomUUID } from 'node:crypto';
import { withClient } from '@app/testing';

/**
 * Results written the way a scorer stores them, with plain SQL, for boards built from results
 * (`recompute`) without running a scorer: the leaderboard int spec and the attack suite's ties.
 */
export interface SeededResult {
  points: number;
  verdict?: string;
  status?: string;
  at: Date;
  speedup?: number;
  deviceClass?: string;
  approvedPoints?: number;
  approvedAt?: Date;
  hidden?: boolean;
}

/** A result of `userId` on `challengeId`, reached at `at` (approved at `approvedAt ?? at` when `approvedPoints` is given). */
export async function seedResult(databaseUrl: string, userId: string, challengeId: string, fields: SeededResult): Promise<void> {
  const attemptId = randomUUID();
  const submissionId = randomUUID();
  await withClient(databaseUrl, async (client) => {
    await client.query(
      `INSERT INTO "Attempt" (id, "userId", "challengeId", "challengeVersion", "secretSeed") VALUES ($1, $2, $3, 1, 's')
       ON CONFLICT ("userId", "challengeId", "challengeVersion") DO NOTHING`,
      [attemptId, userId, challengeId],
    );
    await client.query(
      `INSERT INTO "Submission" (id, "attemptId", "userId", "challengeId", status)
       SELECT $1, a.id, $2, $3, $4::text::"SubmissionStatus" FROM "Attempt" a WHERE a."userId" = $2 AND a."challengeId" = $3`,
      [submissionId, userId, challengeId, fields.status ?? 'SCORED'],
    );
    await client.query(
      `INSERT INTO "Result" (id, "submissionId", verdict, points, metrics, flags, environment, "jobId", "scoringClaim", "createdAt", "approvedPoints", "approvedAt", "hiddenAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, '{}', $5, 'job', 1, $6, $7, $8, $9)`,
      [
        submissionId,
        fields.verdict ?? 'PASSED',
        fields.points,
        JSON.stringify(fields.speedup === undefined ? {} : { timing: { speedup: fields.speedup } }),
        JSON.stringify({ deviceClass: fields.deviceClass ?? 'cpu' }),
        fields.at,
        fields.approvedPoints ?? null,
        fields.approvedPoints === undefined ? null : (fields.approvedAt ?? fields.at),
        fields.hidden ? fields.at : null,
      ],
    );
  });
}
