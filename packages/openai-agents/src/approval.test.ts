import { Agent, RunState, run, setTracingDisabled } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { outputSeen } from './__fixtures__/agents.js';
import { NOTES_WRITE_SCOPE } from './__fixtures__/notes-resource.js';
import { startWorld, type World } from './__fixtures__/world.js';
import { pendingConsentFor, restoreConsents } from './interruptions.js';
import { MIN_CHECK_DELAY_MS } from './options.js';
import { aauthTool } from './tool.js';

beforeAll(() => setTracingDisabled(true));

/** Lets more than MIN_CHECK_DELAY_MS pass since the consent was requested (a person takes a moment). */
const personTakesAMoment = () => new Promise((resolve) => setTimeout(resolve, MIN_CHECK_DELAY_MS + 100));

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** add_note in approval mode, over a client of `w` created in the default 'wait' mode (or the given one). */
function addNoteTool(w: World, { name = 'add_note', client = w.client(), resumeTimeoutMs = 10_000 } = {}) {
  return aauthTool({
    name,
    description: 'Add a note',
    parameters: z.object({ text: z.string() }),
    client,
    consent: 'approval',
    resumeTimeoutMs,
    execute: async ({ text }, _ctx, { fetch }) => {
      const response = await fetch(`${w.notes.origin}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      return `${response.status} ${await response.text()}`;
    },
  });
}

function agentWith(model: ScriptedModel, ...tools: ReturnType<typeof addNoteTool>[]): Agent {
  return new Agent({ name: 'notes', instructions: 'help', model, tools });
}

describe("aauthTool, consent: 'approval'", () => {
  it('pauses the re-call with an interruption that maps to the consent URL; approve → the tool result reaches the model', async () => {
    world = await startWorld();
    const w = world;
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'call mom' }, { callId: 'call_1' })],
      [functionCall('add_note', { text: 'call mom' }, { callId: 'call_2' })],
      [assistantMessage('Saved.')],
    ]);
    const agent = agentWith(model, addNoteTool(w));

    const first = await run(agent, 'Remember to call mom');
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });

    // The model read the consent link and was told to call again.
    const told = outputSeen(model, 1, 'call_1');
    expect(told).toContain(`Approval link: ${asked.url} (code ${asked.code})`);
    expect(told).toContain('call add_note again with the same arguments');
    // The re-call paused the run.
    expect(first.interruptions).toHaveLength(1);
    const item = first.interruptions[0];
    if (item === undefined) throw new RangeError('no interruption');
    const consent = pendingConsentFor(item);
    expect(consent).toMatchObject({
      toolName: 'add_note',
      callId: 'call_2',
      kind: 'interaction',
      interactionUrl: asked.url,
      code: asked.code,
      resource: w.notes.origin,
      scope: [NOTES_WRITE_SCOPE],
    });
    expect(consent?.pending.pollUrl).toBe(asked.pendingUrl);
    expect(w.notes.verified.some((call) => call.method === 'POST')).toBe(false);

    await w.dev.simulatedUser.approve(asked.code);
    first.state.approve(item);
    const second = await run(agent, first.state);

    expect(second.finalOutput).toBe('Saved.');
    expect(outputSeen(model, 2, 'call_2')).toBe('201 {"id":"n2","text":"call mom"}');
    const write = w.notes.verified.find((call) => call.method === 'POST');
    expect(write?.identity.kind).toBe('auth');
    expect(write?.identity.scope).toEqual([NOTES_WRITE_SCOPE]);
    expect(w.authTokenRequests()).toBe(1);
  });

  it('a consent the person denied reaches the model as a readable tool error after the resume', async () => {
    world = await startWorld();
    const w = world;
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'x' }, { callId: 'call_1' })],
      [functionCall('add_note', { text: 'x' }, { callId: 'call_2' })],
      [assistantMessage('Denied.')],
    ]);
    const agent = agentWith(model, addNoteTool(w));
    const first = await run(agent, 'note x');
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });
    const item = first.interruptions[0];
    if (item === undefined) throw new RangeError('no interruption');

    await w.dev.simulatedUser.deny(asked.code);
    first.state.approve(item);
    await run(agent, first.state);

    expect(outputSeen(model, 2, 'call_2')).toBe(
      `AAuth consent denied: the user did not grant access to ${w.notes.origin} (denied). Do not retry unless the user asks you to.`,
    );
    expect(w.notes.verified.some((call) => call.method === 'POST')).toBe(false);
  });

  it('the app rejecting the interruption gives the model its message and never runs the tool', async () => {
    world = await startWorld();
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'x' }, { callId: 'call_1' })],
      [functionCall('add_note', { text: 'x' }, { callId: 'call_2' })],
      [assistantMessage('ok')],
    ]);
    const agent = agentWith(model, addNoteTool(world));
    const first = await run(agent, 'note x');
    const item = first.interruptions[0];
    if (item === undefined) throw new RangeError('no interruption');
    first.state.reject(item, { message: 'The user declined.' });
    await run(agent, first.state);
    expect(outputSeen(model, 2, 'call_2')).toBe('The user declined.');
    expect(world.authTokenRequests()).toBe(1);
  });

  it('parallel calls in one turn meet one consent; their re-calls pause on it and all complete once approved', async () => {
    world = await startWorld();
    const w = world;
    const model = new ScriptedModel([
      [
        functionCall('add_note', { text: 'one' }, { callId: 'call_1' }),
        functionCall('add_note', { text: 'two' }, { callId: 'call_2' }),
      ],
      [
        functionCall('add_note', { text: 'one' }, { callId: 'call_3' }),
        functionCall('add_note', { text: 'two' }, { callId: 'call_4' }),
      ],
      [assistantMessage('Saved both.')],
    ]);
    const agent = agentWith(model, addNoteTool(w));
    const first = await run(agent, 'note one and two');
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });

    expect(w.authTokenRequests()).toBe(1);
    expect(first.interruptions).toHaveLength(2);
    const consents = first.interruptions.map((item) => pendingConsentFor(item));
    expect(consents.map((c) => c?.callId)).toEqual(['call_3', 'call_4']);
    expect(new Set(consents.map((c) => c?.pending.id)).size).toBe(1);
    expect(consents[0]?.interactionUrl).toBe(asked.url);

    await w.dev.simulatedUser.approve(asked.code);
    for (const item of first.interruptions) first.state.approve(item);
    await run(agent, first.state);

    expect(outputSeen(model, 2, 'call_3')).toMatch(/^201 \{"id":"n\d","text":"one"\}$/);
    expect(outputSeen(model, 2, 'call_4')).toMatch(/^201 \{"id":"n\d","text":"two"\}$/);
    expect(w.authTokenRequests()).toBe(1);
  });

  it('a consent given before the re-call lets it run without pausing', async () => {
    world = await startWorld();
    const w = world;
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'x' }, { callId: 'call_1' })],
      [assistantMessage('I asked the user to approve.')],
      [functionCall('add_note', { text: 'x' }, { callId: 'call_2' })],
      [assistantMessage('Saved.')],
    ]);
    const agent = agentWith(model, addNoteTool(w));
    const first = await run(agent, 'note x');
    expect(first.interruptions).toHaveLength(0);
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });
    await personTakesAMoment();
    await w.dev.simulatedUser.approve(asked.code);

    const second = await run(agent, [...first.history, { role: 'user', content: 'done, I approved' }]);

    expect(second.interruptions).toHaveLength(0);
    expect(outputSeen(model, 3, 'call_2')).toBe('201 {"id":"n2","text":"x"}');
    expect(w.authTokenRequests()).toBe(1);
  });

  it('RunState round trip across a restart: a new client with the same key and token store resumes the same consent', async () => {
    world = await startWorld();
    const w = world;
    // Process A: meets the consent, pauses, saves the state.
    const modelA = new ScriptedModel([
      [functionCall('add_note', { text: 'after restart' }, { callId: 'call_1' })],
      [functionCall('add_note', { text: 'after restart' }, { callId: 'call_2' })],
    ]);
    const first = await run(agentWith(modelA, addNoteTool(w)), 'note it');
    expect(first.interruptions).toHaveLength(1);
    const saved = first.state.toString();
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });
    // The pending URL travels in the state's SDK-only customData, not in what the model read.
    expect(saved).toContain(asked.pendingUrl);
    expect(outputSeen(modelA, 1, 'call_1')).not.toContain(asked.pendingUrl);

    // Process B: new tool, agent and client (same key and token store); nothing in memory.
    const modelB = new ScriptedModel([[assistantMessage('Saved after the restart.')]]);
    const agentB = agentWith(modelB, addNoteTool(w));
    const state = await RunState.fromString(agentB, saved);
    const item = state.getInterruptions()[0];
    if (item === undefined) throw new RangeError('no interruption after restore');
    expect(pendingConsentFor(item)).toBeUndefined();

    const restored = restoreConsents(state);
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ callId: 'call_2', interactionUrl: asked.url, code: asked.code });
    expect(pendingConsentFor(item)?.pending.pollUrl).toBe(asked.pendingUrl);

    await personTakesAMoment();
    await w.dev.simulatedUser.approve(asked.code);
    state.approve(item);
    const resumed = await run(agentB, state);

    expect(resumed.finalOutput).toBe('Saved after the restart.');
    expect(outputSeen(modelB, 0, 'call_2')).toBe('201 {"id":"n2","text":"after restart"}');
    // The approved consent was polled again, no second one was requested.
    expect(w.authTokenRequests()).toBe(1);
    expect(w.notes.verified.filter((call) => call.method === 'POST')).toHaveLength(1);
  });

  it('a consent another tool already completed lets the next call run on the cached token, without asking again', async () => {
    world = await startWorld();
    const w = world;
    const client = w.client();
    const model = new ScriptedModel([
      [
        functionCall('add_note', { text: 'a' }, { callId: 'call_1' }),
        functionCall('save_note', { text: 'b' }, { callId: 'call_2' }),
      ],
      [functionCall('add_note', { text: 'a' }, { callId: 'call_3' })],
      [functionCall('save_note', { text: 'b' }, { callId: 'call_4' })],
      [assistantMessage('Saved both.')],
    ]);
    const agent = agentWith(
      model,
      addNoteTool(w, { name: 'add_note', client }),
      addNoteTool(w, { name: 'save_note', client }),
    );
    const first = await run(agent, 'note a and b');
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });
    const item = first.interruptions[0];
    if (item === undefined) throw new RangeError('no interruption');
    expect(pendingConsentFor(item)?.toolName).toBe('add_note');

    await personTakesAMoment();
    await w.dev.simulatedUser.approve(asked.code);
    first.state.approve(item);
    const second = await run(agent, first.state);

    expect(second.interruptions).toHaveLength(0);
    expect(outputSeen(model, 2, 'call_3')).toBe('201 {"id":"n2","text":"a"}');
    expect(outputSeen(model, 3, 'call_4')).toBe('201 {"id":"n3","text":"b"}');
    expect(w.authTokenRequests()).toBe(1);
  });

  it('an approval given before the person decided tells the model the consent is still pending; the next call pauses again', async () => {
    world = await startWorld();
    const w = world;
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'x' }, { callId: 'call_1' })],
      [functionCall('add_note', { text: 'x' }, { callId: 'call_2' })],
      [functionCall('add_note', { text: 'x' }, { callId: 'call_3' })],
    ]);
    const agent = agentWith(model, addNoteTool(w, { resumeTimeoutMs: 300 }));
    const first = await run(agent, 'note x');
    const item = first.interruptions[0];
    if (item === undefined) throw new RangeError('no interruption');
    const consent = pendingConsentFor(item);

    first.state.approve(item);
    const second = await run(agent, first.state);

    expect(outputSeen(model, 2, 'call_2')).toContain(`Approval link: ${consent?.interactionUrl}`);
    expect(second.interruptions).toHaveLength(1);
    const again = second.interruptions[0];
    if (again === undefined) throw new RangeError('no second interruption');
    expect(pendingConsentFor(again)?.pending.id).toBe(consent?.pending.id);
    expect(w.authTokenRequests()).toBe(1);
  });
});
