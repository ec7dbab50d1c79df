// A tiny React Query host without devtools: the baseline for @tanstack/react-query-devtools.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

const client = new QueryClient();

function App() {
  const [n, setN] = useState(0);
  return (
    <QueryClientProvider client={client}>
      <button type="button" onClick={() => setN(n + 1)}>
        clicked {n}
      </button>
    </QueryClientProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
