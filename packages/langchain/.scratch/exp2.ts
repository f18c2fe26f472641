import { AIMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { createAgent, createMiddleware, tool } from 'langchain';
import { z } from 'zod';

const t = tool(
  async () => {
    throw new RangeError('boom');
  },
  { name: 'doit', description: 'd', schema: z.object({}) },
);
for (const mw of [[], [createMiddleware({ name: 'pass', wrapToolCall: (r, h) => h(r) })]]) {
  const model = fakeModel()
    .respondWithTools([{ name: 'doit', args: {}, id: 'c1' }])
    .respond(new AIMessage('done'));
  const agent = createAgent({ model, tools: [t], middleware: mw });
  try {
    const r = await agent.invoke({ messages: [{ role: 'user', content: 'go' }] });
    console.log(
      mw.length,
      'ok',
      r.messages.map((m) => m.content),
    );
  } catch (e) {
    console.log(mw.length, 'threw', String(e));
  }
}
