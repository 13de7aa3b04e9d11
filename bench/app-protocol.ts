/** The IPC messages between the benchmark (parent) and the process under measurement (app-child.ts). */

/** `baseline-modal`: the baseline whose /dollr refund also opens the app's refund modal after the ack. */
export type ChildKind = 'app' | 'baseline' | 'baseline-modal';

export type ChildRequest =
  | { type: 'start'; kind: ChildKind; env: Record<string, string> }
  | { type: 'usage'; id: number; gc?: boolean }
  | { type: 'peak-reset'; id: number }
  | { type: 'time-calls'; id: number; calls: TimedCalls }
  | { type: 'stop'; id: number };

/** What the child says about itself. CPU in microseconds since it started; memory in bytes. */
export interface ChildUsage {
  cpuUserUs: number;
  cpuSystemUs: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory of C++ objects bound to JS (buffers, sockets' native state). */
  external: number;
  arrayBuffers: number;
  /**
   * The RSS split as Linux counts it (/proc/self/status; 0 elsewhere): anonymous memory the process
   * allocated, pages of files it maps (SQLite's database and WAL index), and shared memory.
   */
  rssAnon: number;
  rssFile: number;
  rssShmem: number;
  /** Highest RSS seen (sampled every 100 ms) since the last `peak-reset`. */
  peakRss: number;
  /** Active timers (`Timeout` resources) right now. */
  timers: number;
  /** Every active resource kind and how many. */
  resources: Record<string, number>;
  /** Warnings and errors the app logged, by `level: message`. */
  logs: Record<string, number>;
  gcAvailable: boolean;
}

/**
 * Calls the app process makes on request, one kind after another, `times` each, with the clients the
 * app itself uses (its Dollr gateway, @slack/web-api): what those calls take as the app sees them.
 */
export interface TimedCalls {
  times: number;
  slack: { channel: string };
  dollr: { referenceId: string; originalPaymentIntentId: number };
}

/** Median milliseconds per call kind, e.g. `slack chat.postMessage`, `dollr GET /v1/status`. */
export type CallLatencies = Record<string, number>;

export type ChildReply = { type: 'reply'; id: number; usage?: ChildUsage; latencies?: CallLatencies };

export type ChildEvent = { type: 'started'; port: number } | { type: 'error'; message: string } | ChildReply;
