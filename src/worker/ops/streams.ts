/** Per-(stream, attempt) frame logs. */
export const streamsOps = {};
