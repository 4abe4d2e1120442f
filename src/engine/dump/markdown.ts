import { ValidationError } from '../../shared/errors.js';
import { describe } from '../../shared/validate.js';
import { UUID } from '../random-id.js';
import type { StoredDump } from '../../shared/table-dump.js';
import type { Row } from '../../shared/table-schema.js';
import type { Json } from '../../shared/types.js';

/**
 * The file name of a row's Markdown file. Ids flowstore makes are UUIDs, safe as file names everywhere.
 * @throws ValidationError for any other id: one with `/` or `..` would name a file outside the dump's directory.
 */
export function fileName(id: string): string {
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new ValidationError(`the row id ${describe(id)} is not a UUID, so it cannot name a Markdown file`, 'id');
  }
  return `${id}.md`;
}

/**
 * A row as Markdown: `# <title>`, a blank line, the body, then every other
 * field under a rule, one `- name: value` line each, sorted by name so the
 * same row always gives the same bytes. Values are JSON (a string in quotes),
 * so a value never breaks out of its line; the row's times follow, in ISO form.
 */
export function renderRow(row: Row, dump: Pick<StoredDump, 'titleField' | 'bodyField'>): string {
  const { [dump.titleField]: title, [dump.bodyField]: body, ...rest } = row.data;
  // The title is one line whatever it holds; a row without one is named by its id.
  const heading = (title === undefined ? row.id : text(title)).replace(/\s*[\r\n]+\s*/g, ' ');
  const lines = [`# ${heading}`, ''];
  if (body !== undefined) lines.push(text(body).replace(/\s+$/, ''), '');
  lines.push('---', '');
  for (const key of Object.keys(rest).sort()) lines.push(`- ${key}: ${JSON.stringify(rest[key])}`);
  lines.push(`- id: ${row.id}`, `- createdAt: ${iso(row.createdAt)}`, `- updatedAt: ${iso(row.updatedAt)}`, '');
  return lines.join('\n');
}

function text(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
