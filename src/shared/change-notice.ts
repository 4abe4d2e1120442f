import type { StoredFrame } from './stream-frame.js';
import type { Change } from './types.js';

/** A change notice as it travels: the public Change, plus the frame of a small stream append. */
export type ChangeNotice = Change & { frame?: StoredFrame };
