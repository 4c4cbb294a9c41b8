import { isPrintable } from '../text';
import { TeamError, TeamErrorCode } from './team-errors';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$/;

/** @throws TeamError INVALID_TEAM_DETAILS */
export function assertValidTeam(name: string, slug: string): { name: string; slug: string } {
  const trimmed = name.trim();
  if (trimmed.length < 2 || trimmed.length > 80 || !isPrintable(trimmed)) {
    throw new TeamError(TeamErrorCode.InvalidTeamDetails, 'team name must be 2–80 printable characters');
  }
  if (!SLUG.test(slug)) {
    throw new TeamError(
      TeamErrorCode.InvalidTeamDetails,
      "team slug must be 3–40 lower-case letters, digits or '-', starting and ending with a letter or digit",
    );
  }
  return { name: trimmed, slug };
}
