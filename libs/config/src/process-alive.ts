/**
 * Whether a process with this pid runs on this machine (signal 0 checks without sending one).
 * EPERM means it runs as another user: alive. Used to tell a leftover of a stopped process (a
 * PostgreSQL pid file, a scorer's sandbox folder) from one still in use.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
