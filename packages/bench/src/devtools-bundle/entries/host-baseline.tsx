// A tiny host app without the devtools: React, a store, one button.
import { InMemoryStore } from 'afk/memory';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

const store = new InMemoryStore();

function App() {
  const [n, setN] = useState(0);
  return (
    <button type="button" onClick={() => setN(n + 1)} data-store={String(Boolean(store))}>
      clicked {n}
    </button>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
