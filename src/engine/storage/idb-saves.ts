/** What the IndexedDB fallback reads and writes in IndexedDB (one module, so tests can fail its saves on demand). */
export { loadPages, savePages } from '../../shared/idb-pages.js';
export { deleteImage, loadImage } from '../../shared/idb-images.js';
