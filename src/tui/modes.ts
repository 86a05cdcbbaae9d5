import type { PermissionMode } from '../core/events.js';

export const PERMISSION_MODES: readonly PermissionMode[] = ['plan', 'ask', 'auto-edit', 'yolo'];

export const isPermissionMode = (value: unknown): value is PermissionMode =>
  typeof value === 'string' && (PERMISSION_MODES as readonly string[]).includes(value);

/**
 * Shift+Tab cycles ask → auto-edit → plan → ask. `yolo` is left out on purpose:
 * one stray key must never switch off every question; it takes `/mode yolo`.
 */
const CYCLE: readonly PermissionMode[] = ['ask', 'auto-edit', 'plan'];

export function nextMode(mode: PermissionMode): PermissionMode {
  return CYCLE[(CYCLE.indexOf(mode) + 1) % CYCLE.length]!;
}
