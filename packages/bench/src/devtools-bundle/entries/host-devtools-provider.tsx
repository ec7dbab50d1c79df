// The same host with `<AfkDevtools />` from the package root, under an AfkProvider.
import { AfkDevtools, AfkProvider } from '@afk/react';
import { InMemoryStore } from 'afk/memory';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

const store = new InMemoryStore();

function App() {
  const [n, setN] = useState(0);
  return (
    <AfkProvider store={store}>
      <button type="button" onClick={() => setN(n + 1)}>
        clicked {n}
      </button>
      <AfkDevtools />
    </AfkProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
