/** The scripted person of the dev server, driven from tests. */
import type { PendingInteraction } from '@aauth-kit/dev-server';
import type { World } from './world.js';

/** Waits for the next consent request and decides it. */
export async function decideNext(world: World, decision: 'approve' | 'deny'): Promise<PendingInteraction> {
  const interaction = await world.dev.simulatedUser.next({ timeoutMs: 10_000 });
  if (decision === 'approve') await world.dev.simulatedUser.approve(interaction.code);
  else await world.dev.simulatedUser.deny(interaction.code);
  return interaction;
}

/** True when no further consent request arrives within `ms`. */
export async function noFurtherConsent(world: World, ms = 300): Promise<boolean> {
  try {
    await world.dev.simulatedUser.next({ timeoutMs: ms });
    return false;
  } catch {
    return true;
  }
}
