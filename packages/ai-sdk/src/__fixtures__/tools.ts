/** The two tools the tests give the model: a read that works at once and a write that needs consent. */
import type { AAuthClient } from '@aauth-kit/core';
import { z } from 'zod';
import { aauthTool } from '../tool.js';
import type { AAuthConsentMode, AAuthConsentRequired } from '../types.js';
import type { World } from './world.js';

export interface NoteToolsOptions<MODE extends AAuthConsentMode> {
  mode?: MODE;
  client?: AAuthClient;
  consents?: AAuthConsentRequired[];
}

export function noteTools<MODE extends AAuthConsentMode = 'wait'>(
  world: World,
  options: NoteToolsOptions<MODE> = {},
) {
  const client = options.client ?? world.client;
  const url = `${world.notes.origin}/notes`;
  const common = {
    client,
    mode: options.mode,
    onConsent: (consent: AAuthConsentRequired) => {
      options.consents?.push(consent);
    },
  };
  return {
    listNotes: aauthTool({
      ...common,
      description: 'List the notes',
      inputSchema: z.object({}),
      execute: async (_input, { fetch }) => (await fetch(url)).json() as Promise<{ notes: unknown[] }>,
    }),
    addNote: aauthTool({
      ...common,
      description: 'Add a note',
      inputSchema: z.object({ text: z.string() }),
      execute: async ({ text }, { fetch }) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        });
        return { status: response.status, note: (await response.json()) as { id: string; text: string } };
      },
    }),
  };
}
