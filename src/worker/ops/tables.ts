/** Schema-checked rows of named tables. */
export const tablesOps = {};
