// When an outbox syncs next: now (after a tap, when the network returns) or after a delay
// (backoff). A new request replaces the pending one, so at most one sync is scheduled.
// Shared by the poll-watcher, paper-entry and canvassing pages.
const kMaxBackoffMs = 60000;

export class SyncTimer {
  private timer: number | undefined;

  constructor(private readonly run: () => void) {}

  now(): void {
    this.cancel();
    this.run();
  }

  // After `failures` failed sends in a row: the next try in 1, 2, 4 ... up to 60 s, drawn
  // from the upper half of that so phones that failed together do not retry together.
  // Returns the wait in milliseconds.
  backoff(failures: number): number {
    const delay = Math.min(kMaxBackoffMs, 1000 * 2 ** (failures - 1));
    const wait = Math.round(delay / 2 + Math.random() * (delay / 2));
    this.after(wait);
    return wait;
  }

  after(ms: number): void {
    this.cancel();
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, ms);
  }

  private cancel(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
