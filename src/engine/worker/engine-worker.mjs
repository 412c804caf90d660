// Worker threads do not inherit the gateway's `--import tsx` loader: register it here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./engine-worker.ts');
