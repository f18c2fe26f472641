/**
 * aauthTool with AI SDK 6 (`ai`, MockLanguageModelV3): wait and stream modes against a real resource
 * and the dev Person Server.
 */
import { jwkThumbprint } from '@aauth-kit/core';
import { generateText, stepCountIs, streamText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { streamedText, streamedToolCalls, text, toolCalls, toolResultsIn } from './__fixtures__/model.js';
import { decideNext, noFurtherConsent } from './__fixtures__/person.js';
import { noteTools } from './__fixtures__/tools.js';
import { NOTES_WRITE, startWorld, type World } from './__fixtures__/world.js';
import { isAAuthConsentRequired } from './consent.js';
import { aauthTool } from './tool.js';
import type { AAuthConsentRequired } from './types.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

const stopWhen = stepCountIs(4);

describe('aauthTool, wait mode (ai 6)', () => {
  it('signs a read with the agent token; the resource verifies it and the model gets the result', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'listNotes', input: {} }), text('No notes yet.')],
    });
    const result = await generateText({ model, tools: noteTools(world), prompt: 'List my notes', stopWhen });

    expect(result.text).toBe('No notes yet.');
    expect(world.notes.seen).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/notes',
        kind: 'agent',
        agentId: world.agentId,
        agentJkt: jwkThumbprint(world.key.publicJwk),
      }),
    ]);
    expect(world.notes.seen[0]!.covered).toEqual(
      expect.arrayContaining(['@method', '@authority', '@path', 'signature-key']),
    );
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      { toolCallId: 'c1', output: { type: 'json', value: { notes: [] } } },
    ]);
  });

  it('waits while the person consents, then the write reaches the resource and its result the model', async () => {
    const consents: AAuthConsentRequired[] = [];
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'addNote', input: { text: 'buy milk' } }), text('Saved.')],
    });
    const person = decideNext(world, 'approve');
    const result = await generateText({
      model,
      tools: noteTools(world, { consents }),
      prompt: 'Note: buy milk',
      stopWhen,
    });
    const interaction = await person;

    expect(result.text).toBe('Saved.');
    expect(consents).toEqual([
      expect.objectContaining({
        type: 'aauth.consent_required',
        interactionUrl: interaction.url,
        code: interaction.code,
        resource: world.notes.origin,
        scope: [NOTES_WRITE],
      }),
    ]);
    expect(world.notes.seen.filter((seen) => seen.method === 'POST')).toEqual([
      expect.objectContaining({ kind: 'auth', scope: [NOTES_WRITE], body: '{"text":"buy milk"}' }),
    ]);
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      {
        toolCallId: 'c1',
        output: { type: 'json', value: { status: 201, note: { id: 'n1', text: 'buy milk' } } },
      },
    ]);
  });

  it('turns a denied consent into a tool error the model reads, and writes nothing', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'addNote', input: { text: 'x' } }), text('It was declined.')],
    });
    const person = decideNext(world, 'deny');
    const result = await generateText({ model, tools: noteTools(world), prompt: 'Note x', stopWhen });
    await person;

    const [toolResult] = toolResultsIn(model.doGenerateCalls[1]!.prompt);
    expect(toolResult).toEqual({
      toolCallId: 'c1',
      output: { type: 'error-text', value: expect.stringContaining('was not granted') },
    });
    const message = (toolResult!.output as { value: string }).value;
    expect(message).toContain('the person denied the request');
    expect(message).toContain(world.notes.origin);
    expect(message).toContain('The tool call was not performed');
    expect(result.steps[0]!.content.some((part) => part.type === 'tool-error')).toBe(true);
    expect(world.notes.notes).toEqual([]);
  });

  it('parallel calls in one step need one consent; both results reach the model', async () => {
    const events: string[] = [];
    const client = world.newClient({
      onEvent: (event) => {
        if (event.phase === 'request') events.push(event.step);
      },
    });
    const consents: AAuthConsentRequired[] = [];
    const model = new MockLanguageModelV3({
      doGenerate: [
        toolCalls(
          { id: 'c1', tool: 'addNote', input: { text: 'one' } },
          { id: 'c2', tool: 'addNote', input: { text: 'two' } },
        ),
        text('Both saved.'),
      ],
    });
    const person = decideNext(world, 'approve');
    await generateText({
      model,
      tools: noteTools(world, { client, consents }),
      prompt: 'two notes',
      stopWhen,
    });
    await person;

    expect(await noFurtherConsent(world)).toBe(true);
    expect(events.filter((step) => step === 'auth-token')).toHaveLength(1);
    expect(new Set(consents.map((consent) => consent.pendingId)).size).toBe(1);
    expect(
      toolResultsIn(model.doGenerateCalls[1]!.prompt)
        .map((r) => r.toolCallId)
        .sort(),
    ).toEqual(['c1', 'c2']);
    expect(world.notes.notes.map((note) => note.text).sort()).toEqual(['one', 'two']);
  });
});

describe('aauthTool, stream mode (ai 6)', () => {
  it('yields the consent URL as a preliminary result, then the final result after approval', async () => {
    const model = new MockLanguageModelV3({
      doStream: [
        streamedToolCalls({ id: 'c1', tool: 'addNote', input: { text: 'streamed' } }),
        streamedText('ok'),
      ],
    });
    const result = streamText({
      model,
      tools: noteTools(world, { mode: 'stream' }),
      prompt: 'Note: streamed',
      stopWhen,
    });
    const results: { preliminary: boolean; output: unknown }[] = [];
    let interactionUrl: string | undefined;
    for await (const part of result.fullStream) {
      if (part.type !== 'tool-result') continue;
      results.push({ preliminary: part.preliminary === true, output: part.output });
      if (part.preliminary === true && isAAuthConsentRequired(part.output)) {
        interactionUrl = part.output.interactionUrl;
        const interaction = await world.dev.simulatedUser.next({ timeoutMs: 5000 });
        expect(part.output.code).toBe(interaction.code);
        expect(interactionUrl).toBe(interaction.url);
        await world.dev.simulatedUser.approve(interaction.code);
      }
    }

    expect(interactionUrl).toMatch(/\/consent\?code=/);
    // The SDK reports every yield as preliminary, then repeats the last one as the final result.
    const final = { status: 201, note: { id: 'n1', text: 'streamed' } };
    expect(results).toEqual([
      { preliminary: true, output: expect.objectContaining({ type: 'aauth.consent_required' }) },
      { preliminary: true, output: final },
      { preliminary: false, output: final },
    ]);
    expect(toolResultsIn(model.doStreamCalls[1]!.prompt)).toEqual([
      {
        toolCallId: 'c1',
        output: { type: 'json', value: { status: 201, note: { id: 'n1', text: 'streamed' } } },
      },
    ]);
  });

  it('yields only the final result when no consent is needed', async () => {
    const tool = noteTools(world, { mode: 'stream' }).listNotes;
    const outputs: unknown[] = [];
    const iterable = tool.execute({}, { toolCallId: 'c1', messages: [] });
    for await (const output of iterable) outputs.push(output);
    expect(outputs).toEqual([{ notes: [] }]);
  });

  it('parallel calls share one consent: one preliminary URL each, one decision', async () => {
    const model = new MockLanguageModelV3({
      doStream: [
        streamedToolCalls(
          { id: 'c1', tool: 'addNote', input: { text: 'a' } },
          { id: 'c2', tool: 'addNote', input: { text: 'b' } },
        ),
        streamedText('done'),
      ],
    });
    const person = decideNext(world, 'approve');
    const codes: string[] = [];
    const result = streamText({
      model,
      tools: noteTools(world, { mode: 'stream' }),
      prompt: 'a and b',
      stopWhen,
    });
    for await (const part of result.fullStream) {
      if (part.type === 'tool-result' && isAAuthConsentRequired(part.output)) codes.push(part.output.code!);
    }
    const interaction = await person;

    expect(codes).toEqual([interaction.code, interaction.code]);
    expect(await noFurtherConsent(world)).toBe(true);
    expect(world.notes.notes).toHaveLength(2);
  });
});

describe('aauthTool, wrapped bodies', () => {
  it('forwards the items of a body that is itself an async generator', async () => {
    const origin = world.notes.origin;
    const progress = aauthTool({
      client: world.client,
      inputSchema: z.object({}),
      async *execute(_input, { fetch }) {
        yield { step: 'reading' };
        const response = await fetch(`${origin}/notes`);
        yield { step: 'done', status: response.status };
      },
    });
    const outputs: unknown[] = [];
    const run = progress.execute({}, { toolCallId: 'g1', messages: [] });
    for await (const output of run as AsyncIterable<unknown>) outputs.push(output);
    expect(outputs).toEqual([{ step: 'reading' }, { step: 'done', status: 200 }]);
    expect(world.notes.seen).toHaveLength(1);
  });

  it('passes a tool body error through unchanged', async () => {
    const failing = aauthTool({
      client: world.client,
      inputSchema: z.object({}),
      execute: async () => {
        throw new RangeError('tool body failed');
      },
    });
    await expect(failing.execute({}, { toolCallId: 'e1', messages: [] })).rejects.toThrow(RangeError);
  });
});
