import type { Patch, Row, Store, Table, TableSchema, Where } from '../../src/index.js';
import { byTestId, clear, clock, h, onClick, onSubmit, showError, showResult } from './dom.js';
import { liveView } from './live.js';

type Task = { title: string; status: string; priority?: number; tags?: string[] };

const SCHEMA: TableSchema = {
  fields: {
    title: { type: 'string', required: true },
    status: { type: 'string', required: true },
    priority: { type: 'integer' },
    tags: { type: 'array' },
  },
  indexes: ['status'],
};

const ALIAS = 'by-status';

/**
 * The `tasks` table: create, filtered list, merge/replace edit, delete,
 * prefix lookup and a saved query. With `dumpDir`, its rows are mirrored into
 * Markdown files there; resolves with a way to send them to another folder.
 */
export async function mountTable(store: Store, dumpDir?: string): Promise<(dir: FileSystemDirectoryHandle) => Promise<void>> {
  const listError = byTestId('table-error');
  let t: Table<Task>;
  // Opened with the dump once; the live queries below open it without, and the table keeps it.
  const reopen = async (dir: FileSystemDirectoryHandle) => {
    await store.table<Task>('tasks', { ...SCHEMA, dump: { dir } });
  };
  try {
    t = await store.table<Task>('tasks', dumpDir === undefined ? SCHEMA : { ...SCHEMA, dump: { dir: dumpDir } });
  } catch (err) {
    showError(listError, err);
    return reopen;
  }

  const filterStatus = byTestId<HTMLSelectElement>('task-filter-status');
  const filterText = byTestId<HTMLInputElement>('task-filter-text');
  const list = byTestId('task-list');
  const editId = byTestId<HTMLInputElement>('task-edit-id');
  const editPatch = byTestId<HTMLTextAreaElement>('task-edit-patch');
  const editResult = byTestId('task-edit-result');
  const editError = byTestId('task-edit-error');

  const where = (): Where<Task> => {
    const w: Where<Task> = {};
    if (filterStatus.value) w.status = filterStatus.value;
    const text = filterText.value.trim();
    if (text) w.title = { contains: text };
    return w;
  };

  // The page and its count, live and read together (one committed version): any tab's write shows here.
  const watch = liveView(
    () => {
      const w = where();
      return store.live(async (s) => {
        const tasks = await s.table<Task>('tasks', SCHEMA);
        return Promise.all([tasks.list({ where: w, limit: 50 }), tasks.count(w)]);
      });
    },
    ([rows, total]) => {
      clear(listError);
      byTestId('task-count').textContent = `${total.toLocaleString()} row${total === 1 ? '' : 's'}`;
      list.replaceChildren(
        ...(rows.length
          ? rows.map(renderRow)
          : [h('tr', { class: 'empty' }, h('td', { colspan: '7' }, 'No rows match. Create one on the left.'))]),
      );
    },
    (err) => showError(listError, err),
  );

  const renderRow = (row: Row<Task>) => {
    const edit = h('button', { class: 'btn tiny', type: 'button', 'data-testid': 'task-row-edit' }, 'Edit');
    const del = h(
      'button',
      { class: 'btn tiny danger', type: 'button', 'data-testid': 'task-row-delete', 'aria-label': `Delete ${row.data.title}` },
      '×',
    );
    edit.addEventListener('click', () => {
      editId.value = row.id;
      editPatch.value = JSON.stringify(row.data);
      editId.focus();
    });
    onClick(del, listError, async () => {
      await t.delete(row.id);
    });
    return h(
      'tr',
      { 'data-testid': 'task-row', 'data-id': row.id },
      h('td', {}, h('code', { title: row.id }, row.id.slice(0, 8))),
      h('td', { class: 'title' }, row.data.title),
      h('td', {}, h('span', { class: `status ${row.data.status}` }, row.data.status)),
      h('td', { class: 'num' }, row.data.priority === undefined ? '—' : String(row.data.priority)),
      h('td', {}, ...(row.data.tags ?? []).map((tag) => h('span', { class: 'chip' }, String(tag)))),
      h('td', { class: 'muted' }, clock(row.updatedAt)),
      h('td', { class: 'row-actions' }, edit, del),
    );
  };

  const createForm = byTestId<HTMLFormElement>('task-form');
  onSubmit(createForm, byTestId<HTMLButtonElement>('task-create'), byTestId('task-create-error'), async () => {
    const title = byTestId<HTMLInputElement>('task-title');
    const priority = byTestId<HTMLInputElement>('task-priority');
    const tags = byTestId<HTMLInputElement>('task-tags')
      .value.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const data: Task = { title: title.value.trim(), status: byTestId<HTMLSelectElement>('task-status').value };
    if (priority.value !== '') data.priority = priority.valueAsNumber;
    if (tags.length) data.tags = tags;
    await t.create(data);
    title.value = '';
  });

  const patchValue = (): Patch<Task> => {
    try {
      return JSON.parse(editPatch.value) as Patch<Task>;
    } catch {
      throw new Error('The patch is not valid JSON; write an object such as {"status": "done"}.');
    }
  };
  onSubmit(byTestId<HTMLFormElement>('task-edit-form'), byTestId<HTMLButtonElement>('task-update'), editError, async () => {
    clear(editResult);
    const mode = byTestId<HTMLSelectElement>('task-edit-mode').value === 'replace' ? 'replace' : 'merge';
    const id = editId.value.trim();
    const row = mode === 'replace' ? await t.update(id, patchValue() as Task, { mode }) : await t.update(id, patchValue());
    showResult(editResult, `Updated ${row.id.slice(0, 8)} (${mode}): ${JSON.stringify(row.data)}`);
  });
  onClick(byTestId<HTMLButtonElement>('task-delete'), editError, async () => {
    clear(editResult);
    await t.delete(editId.value.trim());
    showResult(editResult, `Deleted ${editId.value.trim()}.`);
  });

  const lookupResult = byTestId('task-lookup-result');
  onSubmit(
    byTestId<HTMLFormElement>('task-lookup-form'),
    byTestId<HTMLButtonElement>('task-lookup'),
    byTestId('task-lookup-error'),
    async () => {
      lookupResult.hidden = true;
      const row = await t.get(byTestId<HTMLInputElement>('task-lookup-prefix').value.trim());
      lookupResult.textContent = JSON.stringify(row, null, 2);
      lookupResult.hidden = false;
    },
  );

  const aliasError = byTestId('task-alias-error');
  const aliasResult = byTestId('task-alias-result');
  onClick(byTestId<HTMLButtonElement>('task-alias-run'), aliasError, async () => {
    await ensureAlias(t);
    const rows = await t.aliases.run(ALIAS, { status: byTestId<HTMLSelectElement>('task-alias-status').value });
    aliasResult.replaceChildren(
      ...(rows.length
        ? rows.map((r) => h('li', { class: 'chip', 'data-testid': 'task-alias-item' }, r.data.title))
        : [h('li', { class: 'empty' }, 'No rows with that status.')]),
    );
  });

  filterStatus.addEventListener('change', watch);
  filterText.addEventListener('input', watch);
  watch();
  return reopen;
}

/** The saved query lives in the database; create it the first time it is needed. */
async function ensureAlias(t: Table<Task>): Promise<void> {
  try {
    await t.aliases.get(ALIAS);
  } catch (err) {
    if ((err as { code?: string }).code !== 'NOT_FOUND') throw err;
    try {
      await t.aliases.create(ALIAS, {
        where: { status: { $param: 'status' } },
        params: ['status'],
        description: 'Tasks with a given status',
      });
    } catch (raced) {
      // Another tab may have saved it in between; that is the same query.
      if ((raced as { code?: string }).code !== 'ALREADY_EXISTS') throw raced;
    }
  }
}
