import { serveAsProcess } from './serve.js';

serveAsProcess();
