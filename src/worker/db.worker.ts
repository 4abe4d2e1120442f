import { expose } from 'comlink';
import { installErrorCodec } from '../comlink-errors.js';
import { createEngineHost } from './host.js';

installErrorCodec();
expose(createEngineHost());
