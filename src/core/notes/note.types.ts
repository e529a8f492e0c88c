/** Notes: free text pinned to a CRM record (lead, contact, company or opportunity). */
import type { Page } from "../leads/lead.types.js";
import type { EntityLink, EntityRef, EntityType } from "../shared/entity-refs.js";

export const NOTE_LIMITS = { content: 10_000 } as const;

export interface Note {
  id: string;
  number: number;
  entity: EntityLink;
  content: string;
  isPinned: boolean;
  createdAt: string;
  updatedAt: string;
}

export type NoteRef = { number: number } | { id: string };

export interface NewNoteInput {
  entity: EntityRef;
  content: string;
  isPinned?: boolean;
}

/** Absent fields stay as they are. */
export interface NoteUpdateInput {
  content?: string;
  isPinned?: boolean;
}

/**
 * Called with the note's record type before a note is read or written, so a dialect can apply its
 * permission rule (Valethon: notes follow their parent record's permission). Throws to refuse.
 */
export type NoteGuard = (entityType: EntityType) => void;

export type { Page };
