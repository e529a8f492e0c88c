/**
 * The loop a sender runs in the background: one round after another while rounds find work, a
 * pause of `pollMs` when one finds none, and a stop that cuts the pause short and waits for the
 * round in flight. A failed round is logged and the loop goes on.
 */
import type { DispatcherLogger } from "./webhook-dispatcher.js";

export class PollingLoop {
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;

  constructor(
    /** One round; resolves true when it found work (so the next round starts at once). */
    private readonly round: () => Promise<boolean>,
    private readonly options: { pollMs: number; logger: DispatcherLogger; name: string },
  ) {}

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops the loop and waits for the round in flight to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      try {
        busy = await this.round();
      } catch (error) {
        this.options.logger.error({ err: error }, `${this.options.name} round failed`);
      }
      if (this.stopping) break;
      if (!busy) await this.sleep(this.options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }
}
