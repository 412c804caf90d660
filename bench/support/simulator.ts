import { spawnTracked, type TrackedChild } from './children.ts';
import { ROOT } from './report.ts';

export interface SimProcess {
  readonly wsUrl: string;
  readonly rootPublicKeyHex: string;
  readonly controlUrl: string;
  readonly pid: number;
  readonly proc: TrackedChild;
  /** Env that points a gateway at this simulator. */
  readonly gatewayEnv: Record<string, string>;
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  createPhone(phoneNumber: string, name: string): Promise<void>;
  scan(phoneNumber: string, qr: string): Promise<void>;
  stop(): Promise<void>;
}

/** The simulator CLI (`src/sim/cli.ts`) as its own process, so its CPU and RSS stay out of the gateway's. */
export async function startSimProcess(rootSeed = 'wagate-bench'): Promise<SimProcess> {
  const proc = spawnTracked(
    process.execPath,
    ['--import', 'tsx', 'src/sim/cli.ts', '--port', '0', '--root-seed', rootSeed, '--log-level', 'warn'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    },
  );
  const lines = await new Promise<Map<string, string>>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start:\n${proc.output()}`)), 30_000);
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = new Map<string, string>();
      for (const line of text.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) found.set(line.slice(0, eq), line.slice(eq + 1).trim());
      }
      if (found.has('WA_WS_URL') && found.has('WA_ROOT_PUBLIC_KEY') && found.has('SIM_CONTROL_URL')) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void proc.exited.then((code) => reject(new Error(`simulator exited (${code}):\n${proc.output()}`)));
  });
  const wsUrl = lines.get('WA_WS_URL') ?? '';
  const rootPublicKeyHex = lines.get('WA_ROOT_PUBLIC_KEY') ?? '';
  const controlUrl = lines.get('SIM_CONTROL_URL') ?? '';
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${controlUrl}${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(`sim ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    wsUrl,
    rootPublicKeyHex,
    controlUrl,
    pid: proc.pid,
    proc,
    gatewayEnv: { WA_WS_URL: wsUrl, WA_ROOT_PUBLIC_KEY: rootPublicKeyHex },
    control,
    async createPhone(phoneNumber, name) {
      await control('POST', '/phones', { phoneNumber, name, platform: 'android' });
    },
    async scan(phoneNumber, qr) {
      await control('POST', `/phones/${phoneNumber}/scan`, { qr });
    },
    async stop() {
      await proc.stop('SIGTERM', 10_000);
    },
  };
}
