// The same React Query host with its devtools mounted, enabled in a production build (the
// `/production` entry, as React Query documents it): measured like <AfkDevtools enabled />.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ReactQueryDevtools } from '@tanstack/react-query-devtools/production';
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
      <ReactQueryDevtools />
    </QueryClientProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
