/** Response schema of the Valethon dashboard extension (docs/valethon.md "Dashboard"). */
import { Type } from "typebox";

/** Major units per ISO 4217 currency code, e.g. `{"USD": 12500.5}`. */
const MoneySchema = Type.Record(Type.String(), Type.Number());

const CountAndValueSchema = Type.Object({ count: Type.Integer(), value: MoneySchema });

export const DashboardEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    period: Type.Object({
      now: Type.String(),
      month_start: Type.String(),
      today_start: Type.String(),
      week_start: Type.String(),
    }),
    leads: Type.Object({ total: Type.Integer() }),
    pipeline: Type.Union([
      Type.Object({
        pipeline_id: Type.Integer(),
        uuid: Type.String(),
        key: Type.String(),
        name: Type.String(),
      }),
      Type.Null(),
    ]),
    stages: Type.Array(
      Type.Object({
        stage_id: Type.Integer(),
        uuid: Type.String(),
        key: Type.String(),
        name: Type.String(),
        kind: Type.String(),
        probability: Type.Integer(),
        count: Type.Integer(),
        value: MoneySchema,
      }),
    ),
    open_pipeline: Type.Object({ count: Type.Integer(), value: MoneySchema, weighted_value: MoneySchema }),
    won_this_month: CountAndValueSchema,
    lost_this_month: CountAndValueSchema,
    tasks: Type.Object({ due_today: Type.Integer(), overdue: Type.Integer() }),
    activities_last_7_days: Type.Integer(),
  }),
});
