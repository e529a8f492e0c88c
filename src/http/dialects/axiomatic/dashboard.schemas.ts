/** Response schema of the Axiomatic CRM dashboard (seed-apis.md 003 row 2). */
import { Type } from "typebox";
import { Nullable } from "../../schema-helpers.js";
import { Uuid } from "./common.schemas.js";

/** Major units per ISO 4217 currency code, e.g. `{"USD": 12500.5}`. */
const MoneySchema = Type.Record(Type.String(), Type.Number());

const CountAndValueSchema = Type.Object({ count: Type.Integer(), value: MoneySchema });

const Time = Type.String({ format: "date-time" });

export const DashboardSchema = Type.Object({
  period: Type.Object({ now: Time, monthStart: Time, todayStart: Time, weekStart: Time }),
  leads: Type.Object({ total: Type.Integer() }),
  pipeline: Nullable(
    Type.Object(
      { id: Uuid(), key: Type.String(), name: Type.String() },
      { description: "The default pipeline" },
    ),
  ),
  stages: Type.Array(
    Type.Object({
      id: Uuid(),
      key: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      probability: Type.Integer(),
      count: Type.Integer(),
      value: MoneySchema,
    }),
  ),
  openPipeline: Type.Object({ count: Type.Integer(), value: MoneySchema, weightedValue: MoneySchema }),
  wonThisMonth: CountAndValueSchema,
  lostThisMonth: CountAndValueSchema,
  tasks: Type.Object({ dueToday: Type.Integer(), overdue: Type.Integer() }),
  activitiesLast7Days: Type.Integer(),
});
