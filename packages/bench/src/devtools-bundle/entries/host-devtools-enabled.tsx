// The baseline host with `<AfkDevtools enabled />`: rendered in a production build too.
import { AfkDevtools } from '@afk/react/devtools';
import { InMemoryStore } from 'afk/memory';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

const store = new InMemoryStore();

function App() {
  const [n, setN] = useState(0);
  return (
    <>
      <button type="button" onClick={() => setN(n + 1)}>
        clicked {n}
      </button>
      <AfkDevtools enabled store={store} />
    </>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
