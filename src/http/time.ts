/** Stored times carry milliseconds; Valethon and CRMLead Pro show whole seconds (`2026-03-10T14:30:00Z`). */
export const renderTime = (stored: string): string => `${stored.slice(0, 19)}Z`;
export const renderOptionalTime = (stored: string | null): string | null =>
  stored ? renderTime(stored) : null;
