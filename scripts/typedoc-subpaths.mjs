// TypeDoc plugin: names each entry point's module after its subpath export (`afk/agents`, ...)
// instead of its folder (`agents`), so docs/api has one page per import path users write.
import { Converter } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.children ?? []) {
      if (!mod.name.startsWith('afk/')) mod.name = `afk/${mod.name}`;
    }
  });
}
