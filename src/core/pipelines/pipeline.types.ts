/** Pipelines and their stages: the ordered steps an opportunity moves through. */

export const STAGE_KINDS = ["open", "won", "lost"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export const PIPELINE_LIMITS = {
  name: 100,
  key: 50,
  color: 30,
  description: 500,
  stagesPerPipeline: 50,
  probabilityMin: 0,
  probabilityMax: 100,
} as const;

/** Lower-case letters, digits and underscores, starting with a letter or digit (`demo_scheduled`). */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9_]{0,49}$/;

export interface Stage {
  id: string;
  number: number;
  pipelineId: string;
  key: string;
  name: string;
  kind: StageKind;
  position: number;
  probability: number;
  color: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Pipeline {
  id: string;
  number: number;
  key: string;
  name: string;
  isDefault: boolean;
  /** Ordered by position. */
  stages: Stage[];
  createdAt: string;
  updatedAt: string;
}

/** How a caller names a pipeline or a stage: by its per-workspace number or its UUID. */
export type PipelineRef = { number: number } | { id: string };
export type StageRef = { number: number } | { id: string };

export interface StageInput {
  name?: string;
  key?: string;
  kind?: StageKind;
  probability?: number;
  color?: string | null;
  description?: string | null;
  /** 1-based place among the pipeline's stages; absent means last. */
  position?: number;
}

export interface PipelineInput {
  name?: string;
  key?: string;
  stages?: StageInput[];
}

/** The pipeline every workspace starts with (CONTRACT.md, "Defaults every workspace starts with"). */
export const DEFAULT_PIPELINE = {
  key: "sales",
  name: "Sales pipeline",
  stages: [
    {
      key: "discovery",
      name: "Discovery",
      kind: "open",
      probability: 10,
      color: "#6B7280",
      description: "Understanding the prospect's needs",
    },
    {
      key: "qualification",
      name: "Qualification",
      kind: "open",
      probability: 20,
      color: "#3B82F6",
      description: "Confirming budget, authority, need and timing",
    },
    {
      key: "demo_scheduled",
      name: "Demo scheduled",
      kind: "open",
      probability: 40,
      color: "#06B6D4",
      description: "A product demo is booked",
    },
    {
      key: "proposal",
      name: "Proposal",
      kind: "open",
      probability: 60,
      color: "#8B5CF6",
      description: "A proposal or quote has been sent",
    },
    {
      key: "negotiation",
      name: "Negotiation",
      kind: "open",
      probability: 80,
      color: "#F59E0B",
      description: "Agreeing terms and price",
    },
    {
      key: "won",
      name: "Won",
      kind: "won",
      probability: 100,
      color: "#10B981",
      description: "The deal is signed",
    },
    {
      key: "lost",
      name: "Lost",
      kind: "lost",
      probability: 0,
      color: "#EF4444",
      description: "The deal did not happen",
    },
  ],
} as const satisfies { key: string; name: string; stages: readonly Required<Omit<StageInput, "position">>[] };
