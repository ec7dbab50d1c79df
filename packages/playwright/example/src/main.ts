import { Runner } from 'afk/core';
import { exposeAfk } from 'afk/evals';
import { calculatorAgent, mailerAgent } from './agents';

// `external`: a run that needs an approval pauses (`interrupted`) until someone decides it.
const runner = new Runner({ config: { interactionMode: 'external' } });
const agents = {
  calculator: calculatorAgent(`${location.origin}/llm/v1`),
  mailer: mailerAgent(),
};

// The one line that opens the page to @afk/playwright: puts `window.__afk` on the page.
exposeAfk({ runner, agents });

const $ = <T extends HTMLElement>(id: string) => document.querySelector(`[data-testid="${id}"]`) as T;
$('run').addEventListener('click', async () => {
  const agent = agents[$<HTMLSelectElement>('agent').value as keyof typeof agents];
  $('state').textContent = 'running';
  $('final-text').textContent = '';
  // Streamed: the model's text shows as it arrives.
  const handle = runner.runStream(agent, { userMessage: $<HTMLInputElement>('message').value });
  for await (const event of handle)
    if (event.type === 'text_delta') $('final-text').textContent += event.textDelta ?? '';
  const result = await handle.result;
  $('state').textContent = result.state;
  $('final-text').textContent = result.finalText;
});
