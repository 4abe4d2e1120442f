// The engine's seam onto the saved images (tests replace this module to make saves fail).
export { loadImage, saveImage } from '../../shared/idb-images.js';
