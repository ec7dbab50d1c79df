import { AfkProvider } from '@afk/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startBridge } from './bridge/client';
import { runner, store } from './runtime';
// Before the first render: the remembered theme is on <html> before anything paints.
import './state/theme';
import '@afk/react/styles.css';
import './styles.css';

startBridge(store);
const root = document.getElementById('root');
if (!root) throw new Error('devtools: #root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <AfkProvider store={store} runner={runner}>
      <App />
    </AfkProvider>
  </StrictMode>,
);
