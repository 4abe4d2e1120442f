/**
 * The key of a (stream, attempt) in change notices. JSON keeps it
 * unambiguous for any stream name, e.g. `["build/1",0]`.
 */
export function streamKey(stream: string, attempt: number): string {
  return JSON.stringify([stream, attempt]);
}
