/**
 * True if `sql` holds more than one statement: a `;` outside string literals,
 * quoted identifiers and comments, followed by anything but white space,
 * comments and more `;`. The text is split the way SQLite's tokenizer does
 * for these quotes: '…' and "…" with doubled quotes inside, […], `…`,
 * -- to the end of the line, and /* … *\/.
 */
export function hasSeveralStatements(sql: string): boolean {
  let ended = false;
  for (let i = 0; i < sql.length;) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      if (ended) return true;
      i = closing(sql, i, c);
    } else if (c === '[') {
      if (ended) return true;
      const end = sql.indexOf(']', i + 1);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i + 2);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === ';') {
      ended = true;
      i++;
    } else {
      if (ended && !/\s/.test(c)) return true;
      i++;
    }
  }
  return false;
}

/** The index just past the quote that closes the one at `start` (a doubled quote stays inside). */
function closing(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== quote) continue;
    if (sql[i + 1] === quote) i++;
    else return i + 1;
  }
  return sql.length;
}
