// When an outbox syncs next: now (after a tap, when the network returns) or after a delay
// (backoff). A new request replaces the pending one, so at most one sync is scheduled.
// Shared by the poll-watcher and paper-entry pages.
export class SyncTimer {
  private timer: number | undefined;

  constructor(private readonly run: () => void) {}

  now(): void {
    this.cancel();
    this.run();
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
