/** True if `err` (a DOMException, usually) has one of `names` as its name. */
export function errorNamed(err: unknown, ...names: string[]): boolean {
  return names.includes((err as { name?: unknown } | null)?.name as string);
}
