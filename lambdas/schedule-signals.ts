/**
 * The log line the schedule Lambda writes while feeds fail for too long, and that the stack's
 * metric filter reads: shared, so the two cannot drift apart. (No imports: the stack loads it.)
 */
export const FEEDS_FAILING_MESSAGE = "feeds failing";
/** Hours since the oldest of those feeds began failing: the alarm's metric value. */
export const OLDEST_FAILURE_FIELD = "oldestFailureHours";
