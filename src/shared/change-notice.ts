import type { StoredFrame } from './stream-frame.js';
import type { Change } from './types.js';

/**
 * What a notice may carry beyond the public Change, so that a reader in any
 * tab can decide (or answer) without reading back: the frame of a small
 * stream append, the JSON text of a small globals value, the row ids of a
 * commit's table writes, the alias name of an alias write, the id and producer of an
 * appended record. Store.onChange strips them: listeners see the documented Change.
 */
export type NoticeExtras = {
  frame?: StoredFrame;
  /** The new value of a globals key, as JSON text (only when small: {@link CARRIED_VALUE_MAX}). */
  valueJson?: string;
  /** The table row a write touched (or the record appended). */
  id?: string;
  /** The table rows the writes of one commit touched, when more than one (see engine/row-notices.ts). */
  ids?: string[];
  /** The alias a table alias write touched. */
  alias?: string;
  /** The producer of an appended record. */
  producer?: string;
};

/** A change notice as it travels: the public Change, plus what it carries. */
export type ChangeNotice = Change & NoticeExtras;

/** Globals notices carry values whose JSON text is at most this long (UTF-16 units); larger ones are read back. */
export const CARRIED_VALUE_MAX = 16 * 1024;

/** The public Change of a notice, without what it carries. */
export function publicChange(notice: ChangeNotice): Change {
  const change: Change = { module: notice.module, key: notice.key, version: notice.version };
  if (notice.seq !== undefined) change.seq = notice.seq;
  return change;
}
