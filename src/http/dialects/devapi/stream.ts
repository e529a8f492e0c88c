/**
 * The dialect's "cursor": every list is the whole collection as one bare JSON array, streamed in
 * keyset batches. The first batch is read before anything is sent, so a failure there still gets
 * the JSON error body; later batches are read only when the client has taken the previous ones
 * (the stream's backpressure), each as its own short query. When the client goes away, Fastify
 * destroys the stream and no further batch is read. A failure after the first byte cannot change
 * the status any more: the connection is ended and the client sees a truncated array.
 */
import { Readable } from "node:stream";
import { KEYSET_BATCH_SIZE } from "../../../core/shared/keyset.js";

/**
 * Rows are sent in chunks of about this many characters: small strings die young in V8's nursery,
 * whereas one string per 500-row batch would land in the large-object space, which only a full
 * garbage collection frees, and memory would grow with the download.
 */
const CHUNK_CHARS = 16 * 1024;

export interface BatchSource<T> {
  /** The batch after record number `after` (from the start when undefined), at most KEYSET_BATCH_SIZE. */
  read(after: number | undefined): Promise<T[]>;
  numberOf(item: T): number;
  render(item: T): unknown;
}

export interface StreamHooks {
  /** After each batch query. */
  onBatch(): void;
  /** Once, when the stream stops: sent whole, abandoned by the client, or failed. */
  onEnd(outcome: "complete" | "aborted" | "failed"): void;
}

/** Reads the first batch, then returns the array as a stream that reads the rest on demand. */
export async function streamedArray<T>(source: BatchSource<T>, hooks: StreamHooks): Promise<Readable> {
  const first = await source.read(undefined);
  hooks.onBatch();
  async function* chunks(): AsyncGenerator<string> {
    let outcome: "complete" | "aborted" | "failed" = "aborted";
    try {
      yield "[";
      let batch = first;
      let written = 0;
      for (;;) {
        // Rendered at once, so the rows can be collected while the chunks wait for the client.
        const chunks: string[] = [];
        let chunk = "";
        for (const item of batch) {
          chunk += (written > 0 ? "," : "") + JSON.stringify(source.render(item));
          written++;
          if (chunk.length >= CHUNK_CHARS) {
            chunks.push(chunk);
            chunk = "";
          }
        }
        if (chunk !== "") chunks.push(chunk);
        const full = batch.length === KEYSET_BATCH_SIZE;
        const after = full ? source.numberOf(batch[batch.length - 1]!) : 0;
        batch = [];
        while (chunks.length > 0) yield chunks.shift()!;
        if (!full) break;
        batch = await source.read(after);
        hooks.onBatch();
      }
      yield "]";
      outcome = "complete";
    } catch (error) {
      outcome = "failed";
      throw error;
    } finally {
      // A destroyed stream returns from the pending `yield`, which lands here as "aborted".
      hooks.onEnd(outcome);
    }
  }
  // One chunk buffered ahead at most: the next query waits until the client has read this one.
  return Readable.from(chunks(), { objectMode: true, highWaterMark: 1 });
}
