import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import '../../ui/styles.css';
import { resourcesFrom, startI18n } from '../../ui/i18n.ts';
import { App } from './App.tsx';

const messages = import.meta.glob('../locales/*/*.json', { eager: true });

await startI18n(resourcesFrom(messages), 'common');
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
