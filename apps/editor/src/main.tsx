import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles.css';
import { restoreResultsAfterReload } from './experiments/restore.ts';

restoreResultsAfterReload();

createRoot(document.getElementById('root')!).render(<App />);
