import { AIMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { Command, interrupt, MemorySaver } from '@langchain/langgraph';
import { createAgent, tool } from 'langchain';
import { z } from 'zod';

let runs = 0;
const t = tool(
  async ({ id }) => {
    runs++;
    const a = interrupt({ ask: id });
    return `ok ${id} ${JSON.stringify(a)}`;
  },
  { name: 'doit', description: 'd', schema: z.object({ id: z.string() }) },
);
const model = fakeModel()
  .respondWithTools([
    { name: 'doit', args: { id: 'a' }, id: 'c1' },
    { name: 'doit', args: { id: 'b' }, id: 'c2' },
  ])
  .respond(new AIMessage('done'));
const agent = createAgent({ model, tools: [t], checkpointer: new MemorySaver() });
const config = { configurable: { thread_id: 't1' } };
const r1 = await agent.invoke({ messages: [{ role: 'user', content: 'go' }] }, config);
console.log('interrupts', JSON.stringify(r1.__interrupt__));
const st = await agent.getState(config);
console.log(
  'tasks',
  st.tasks.map((t) => [t.name, t.interrupts.length]),
);
try {
  const r2 = await agent.invoke(new Command({ resume: { approved: true } }), config);
  console.log(
    'r2 int',
    JSON.stringify(r2.__interrupt__),
    r2.messages.map((m) => [m.getType(), m.content]),
  );
} catch (e) {
  console.log('r2 err', String(e));
}
console.log('runs', runs, 'calls', model.callCount);
