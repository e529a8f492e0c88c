/**
 * Remembered figures (src/core/shared/until-next-write.ts): reused until the workspace's next
 * write, and bounded in number, since a name can carry client input such as a date range.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { untilNextWrite } from "../../../src/core/shared/until-next-write.js";
import { startTestKit, type TestKit } from "../../support/app.js";

describe("untilNextWrite", () => {
  let kit: TestKit;
  beforeAll(async () => {
    kit = await startTestKit("sqlite");
  });
  afterAll(async () => kit?.close());

  it("reuses a figure until the next write, and keeps at most 1,000 of them", async () => {
    let computed = 0;
    const figure = (name: string) =>
      untilNextWrite(kit.core, kit.scope, name, async () => {
        computed += 1;
        return name;
      });
    await figure("first");
    await figure("first");
    expect(computed).toBe(1);
    await createLead(kit.core, kit.scope, { email: "write@example.com" });
    await figure("first");
    expect(computed).toBe(2);

    // 999 more names fit beside "first"; the next one pushes out the least recently computed,
    // "first", which is then computed again.
    for (let i = 0; i < 999; i++) await figure(`range ${i}`);
    await figure("first");
    expect(computed).toBe(2 + 999);
    await figure("one too many");
    await figure("range 500");
    expect(computed).toBe(2 + 999 + 1);
    await figure("first");
    expect(computed).toBe(2 + 999 + 2);
  });
});
