import { editImage } from './images.js';

/**
 * SQLite files of other programs, as a data directory can hold them: user_version
 * is a counter many programs keep, and some have tables named like flowstore's.
 */
export async function foreignDatabases(): Promise<{ what: string; bytes: Uint8Array }[]> {
  const users = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ann');";
  const made = [
    ['user_version 2 and tables of its own', `${users} PRAGMA user_version = 2`],
    [
      'user_version 4 and only some of the tables flowstore has at 4',
      `${users} CREATE TABLE meta (key TEXT, value INTEGER); PRAGMA user_version = 4`,
    ],
    ["user_version 0 and a table named like one of flowstore's", `${users} CREATE TABLE globals (k TEXT)`],
    ['user_version 0 and tables of its own', users],
  ];
  return Promise.all(made.map(async ([what, sql]) => ({ what: what!, bytes: await editImage(undefined, sql!) })));
}
