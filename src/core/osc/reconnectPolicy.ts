// When to try again after a connection to a server was lost: doubling waits up to a ceiling,
// and after how many failed tries the server counts as unreachable (tries go on at the ceiling).

export interface ReconnectPolicy {
  /** Wait before the first try, in ms. */
  initialDelayMs: number;
  /** Longest wait between tries, in ms. */
  maxDelayMs: number;
  /** Failed tries after which the state says "unreachable" (it keeps trying). */
  unreachableAfterAttempts: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 5000,
  unreachableAfterAttempts: 6,
};

/** The wait before try number `attempt` (0 for the first): initial * 2^attempt, capped. */
export function reconnectDelayMs(policy: ReconnectPolicy, attempt: number): number {
  if (attempt <= 0) return policy.initialDelayMs;
  // 2^attempt overflows nothing useful past 30; the cap applies long before.
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 30));
}
