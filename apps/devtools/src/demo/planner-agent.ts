import { Agent } from 'afk/agents';
import { type LLMClient, type LLMRequest, type ScriptedTurn, scripted } from 'afk/llms';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { add } from './calculator-agent';
import { readConversation, resultValue } from './conversation';

const CITY_RE = /\b(Lisbon|Porto|Madrid|Paris|Rome)\b/i;

export const searchFlights = tool({
  name: 'search_flights',
  description: 'Find the cheapest return flight to a city',
  args: z.object({ to: z.string() }),
  run: async ({ to }) => {
    await new Promise((r) => setTimeout(r, 120));
    return { to, airline: 'TAP', priceEur: 120 };
  },
  effects: 'pure',
});

export const searchHotels = tool({
  name: 'search_hotels',
  description: 'Find a hotel in a city for a number of nights',
  args: z.object({ city: z.string(), nights: z.number().int().min(1) }),
  run: async ({ city, nights }) => {
    await new Promise((r) => setTimeout(r, 80));
    return { city, hotel: 'Casa do Rio', nights, perNightEur: 90 };
  },
  effects: 'pure',
});

function budgeterTurn(req: LLMRequest): ScriptedTurn {
  const { ask, results } = readConversation(req);
  const [a, b] = (ask.match(/\d+/g) ?? []).map(Number);
  const sum = results.get('add');
  if (sum) return { text: `The trip costs ${sum.content} EUR in all.` };
  return { toolCalls: [{ name: 'add', args: { a: a ?? 0, b: b ?? 0 } }] };
}

function packerTurn(req: LLMRequest): ScriptedTurn {
  const { ask } = readConversation(req);
  const city = ask.match(CITY_RE)?.[0] ?? 'the trip';
  return { text: `For ${city}: passport, charger, light jacket, walking shoes.` };
}

function plannerTurn(req: LLMRequest): ScriptedTurn {
  const { ask, results } = readConversation(req);
  const city = ask.match(CITY_RE)?.[0];
  if (!city) return { text: 'Tell me where to: Lisbon, Porto, Madrid, Paris or Rome.' };
  const nights = Number(ask.match(/(\d+)\s*nights?/i)?.[1] ?? 2);
  const flights = results.get('search_flights');
  const hotels = results.get('search_hotels');
  // Two tools at once: they run in parallel.
  if (!flights || !hotels) {
    return {
      toolCalls: [
        { name: 'search_flights', args: { to: city } },
        { name: 'search_hotels', args: { city, nights } },
      ],
    };
  }
  const budget = results.get('budgeter');
  const packing = results.get('packer');
  // Two subagents at once, each a run of its own nested under the parent.
  if (!budget || !packing) {
    const f = resultValue(flights) as { priceEur: number };
    const h = resultValue(hotels) as { perNightEur: number; nights: number };
    return {
      toolCalls: [
        {
          name: 'budgeter',
          args: { task: `Add the flight ${f.priceEur} and the hotel ${h.perNightEur * h.nights}` },
        },
        { name: 'packer', args: { task: `What to pack for ${nights} nights in ${city}?` } },
      ],
    };
  }
  return { text: `Plan for ${city}: ${budget.content} ${packing.content}` };
}

const model = (fn: (req: LLMRequest) => ScriptedTurn, name: string) =>
  scripted(fn, { model: `scripted-${name}`, delayMs: 60 });

/** A planner with parallel tool calls and two subagents (each with its own model and tools). */
export function plannerAgent(llm?: LLMClient) {
  const budgeter = new Agent({
    name: 'budgeter',
    description: 'Adds up the costs of a trip',
    model: llm ?? model(budgeterTurn, 'budgeter'),
    instructions: 'Add the costs with the add tool and state the total.',
    tools: [add],
  });
  const packer = new Agent({
    name: 'packer',
    description: 'Writes a packing list',
    model: llm ?? model(packerTurn, 'packer'),
    instructions: 'Write a short packing list.',
  });
  return new Agent({
    name: 'planner',
    model: llm ?? model(plannerTurn, 'planner'),
    instructions:
      'Plan trips: search flights and hotels (in parallel), then ask budgeter for the total and packer for a list.',
    tools: [searchFlights, searchHotels],
    subagents: [budgeter, packer],
  });
}
