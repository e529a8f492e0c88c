/** Field rules of pipelines and stages, applied to every write whatever dialect it came through. */
import { validationError } from "../errors.js";
import { optionalText, requireOneOf, requireText } from "../shared/validate.js";
import { KEY_PATTERN, PIPELINE_LIMITS, STAGE_KINDS, type StageInput } from "./pipeline.types.js";

/** A key made from a name (`Demo scheduled` → `demo_scheduled`). */
export function keyFromName(name: string): string {
  const key = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, PIPELINE_LIMITS.key)
    .replace(/_+$/, "");
  return key || "stage";
}

export function checkKey(field: string, value: unknown): string {
  if (typeof value !== "string" || !KEY_PATTERN.test(value)) {
    throw validationError(
      field,
      `must be 1-${PIPELINE_LIMITS.key} lowercase letters, digits or underscores, starting with a letter or digit`,
    );
  }
  return value;
}

export function checkProbability(field: string, value: unknown): number {
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < PIPELINE_LIMITS.probabilityMin ||
    value > PIPELINE_LIMITS.probabilityMax
  ) {
    throw validationError(
      field,
      `must be a whole number from ${PIPELINE_LIMITS.probabilityMin} to ${PIPELINE_LIMITS.probabilityMax}`,
    );
  }
  return value;
}

/** Normalises and checks the given stage fields (absent ones stay absent); `prefix` names list items. */
export function checkStageInput(input: StageInput, prefix = ""): StageInput {
  const out: StageInput = {};
  if (input.name !== undefined) out.name = requireText(`${prefix}name`, input.name, PIPELINE_LIMITS.name);
  if (input.key !== undefined) out.key = checkKey(`${prefix}key`, input.key);
  if (input.kind !== undefined) out.kind = requireOneOf(`${prefix}kind`, input.kind, STAGE_KINDS);
  if (input.probability !== undefined)
    out.probability = checkProbability(`${prefix}probability`, input.probability);
  if (input.color !== undefined)
    out.color = optionalText(`${prefix}color`, input.color, PIPELINE_LIMITS.color);
  if (input.description !== undefined) {
    out.description = optionalText(`${prefix}description`, input.description, PIPELINE_LIMITS.description);
  }
  if (input.position !== undefined) {
    if (typeof input.position !== "number" || !Number.isInteger(input.position) || input.position < 1) {
      throw validationError(`${prefix}position`, "must be a whole number of at least 1");
    }
    out.position = input.position;
  }
  return out;
}
