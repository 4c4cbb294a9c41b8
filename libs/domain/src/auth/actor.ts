export type Role = 'LEARNER' | 'MENTOR' | 'ADMIN';
export const ROLES: readonly Role[] = ['LEARNER', 'MENTOR', 'ADMIN'];

/** Who is making a request, as established from a valid access or API token. */
export interface Actor {
  userId: string;
  handle: string;
  role: Role;
  /** The team the user is in now (read at request time, never from the token). */
  teamId: string | null;
  via: 'session' | 'api-token';
  /** The session (refresh-token family) behind an access token. */
  sessionId: string | null;
}
