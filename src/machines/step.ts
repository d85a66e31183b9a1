import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { conversationMachine, type ConversationContext } from './conversation-machine.js';
import type { ConversationEvent } from './conversation-events.js';
import type { Effect } from './effects.js';

/** What we store: enough to rebuild the snapshot, nothing XState-internal. */
export interface PersistedConversation {
  value: string;
  context: ConversationContext;
}

export interface StepResult {
  before: string;
  state: string;
  context: ConversationContext;
  persisted: PersistedConversation;
  effects: Effect[];
  /** False when the event changed nothing: no state, no context, no effect. */
  changed: boolean;
}

type Snapshot = SnapshotFrom<typeof conversationMachine>;

function restore(persisted: PersistedConversation | null): Snapshot {
  if (!persisted) return initialTransition(conversationMachine)[0];
  return conversationMachine.resolveState({ value: persisted.value, context: persisted.context });
}

function persist(snapshot: Snapshot): PersistedConversation {
  return { value: String(snapshot.value), context: snapshot.context };
}

/**
 * The machine as a pure function: persisted snapshot + event → next snapshot
 * and the effects to carry out. Nothing runs; the caller applies the effects.
 */
export function step(persisted: PersistedConversation | null, event: ConversationEvent): StepResult {
  const current = restore(persisted);
  const [next, actions] = transition(conversationMachine, current, event);
  const effects = actions.filter((action) => action.type === 'effect').map((action) => action.params as Effect);
  const before = persist(current);
  const after = persist(next);
  return {
    before: before.value,
    state: after.value,
    context: after.context,
    persisted: after,
    effects,
    changed:
      effects.length > 0 || before.value !== after.value || JSON.stringify(before.context) !== JSON.stringify(after.context),
  };
}

let initial: PersistedConversation | null = null;

/** Where every thread starts: the same each time, so worked out once (and frozen, since every caller shares it). */
export function initialConversation(): PersistedConversation {
  initial ??= frozen(persist(restore(null)));
  return initial;
}

function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}
