/**
 * What the client tells observers: onEvent and the debug log describe every exchange without ever
 * carrying a token in full (a resource token rides in `AAuth-Requirement`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AAuthEvent } from '../../packages/core/src/client/index.js';
import { type FakeWorld, fakeWorld } from './fake-world.js';

let world: FakeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const JWT = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

describe('observers never see a full token', () => {
  it('an auth-token challenge reaches onEvent with the resource token redacted', async () => {
    const events: AAuthEvent[] = [];
    const lines: string[] = [];
    world = await fakeWorld({
      client: { onEvent: (event) => events.push(event), debug: (line) => lines.push(line) },
    });
    const response = await world.client.fetch(`${world.resource.origin}/files/1`);
    expect(response.status).toBe(200);
    const challenges = events.filter((e) => e.requirement?.includes('auth-token'));
    expect(challenges.length).toBeGreaterThan(0);
    for (const event of events) expect(JSON.stringify(event)).not.toMatch(JWT);
    for (const line of lines) expect(line).not.toMatch(JWT);
  });
});
