/**
 * E1 overview: the caller's leads (owned, as lists count them, or assigned to it) counted by
 * status word (every word of the workspace, zero included, in order, with its description and
 * colour) and by source, and the caller's appointments in the asked window (default `upcoming`).
 */
import type { FastifyInstance } from "fastify";
import { listAppointments } from "../../../core/appointments/appointments.service.js";
import type { Core } from "../../../core/core.js";
import { epixelLeadCounts } from "../../../core/leads/lead-epixel.js";
import { statusWordsOf } from "../../../core/leads/lead-status-words.js";
import { actorOf, queryOf } from "./context.js";
import { fieldError, ok } from "./envelope.js";
import { localMinute } from "./render.js";
import { epixelRoute } from "./route.js";

export const OVERVIEW_WINDOWS = ["upcoming", "today", "week", "month"] as const;
export const INVALID_WINDOW = "Invalid appointment filter value.";
/** Appointments the overview lists at most. */
export const OVERVIEW_APPOINTMENTS = 100;

export async function overviewRoutes(app: FastifyInstance, deps: { core: Core }): Promise<void> {
  const { core } = deps;
  epixelRoute(
    app,
    "GET",
    "leads/overview/",
    {
      summary: "Lead summary (by status and source) and your appointments",
      description:
        "Query `appointment`: `upcoming` (default), `today`, `week` or `month` (in the workspace's time zone).",
      permission: "leads:read",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const given = queryOf(request).appointment?.trim();
      const window = given || "upcoming";
      if (!(OVERVIEW_WINDOWS as readonly string[]).includes(window))
        throw fieldError("appointment", INVALID_WINDOW);
      const words = await statusWordsOf(core.db, scope.workspaceId);
      const counts = await epixelLeadCounts(core, scope, user, words);
      const appointments = await listAppointments(core, scope, {
        userId: user.id,
        window: window as (typeof OVERVIEW_WINDOWS)[number],
        limit: OVERVIEW_APPOINTMENTS,
      });
      return ok({
        LeadsData: {
          status: words.definitions.map((definition) => ({
            status: definition.word,
            count: counts.byWord.get(definition.word) ?? 0,
            Description: definition.description,
            Color: definition.color,
          })),
          source: counts.bySource,
        },
        TotalLeads: counts.total,
        appointments: appointments.items.map((appointment) => ({
          appointment_note: appointment.note,
          appointment_status: appointment.status,
          appointment_date: localMinute(appointment.startsAt, appointments.timeZone),
          appointment_to: localMinute(appointment.endsAt, appointments.timeZone),
        })),
      });
    },
  );
}
