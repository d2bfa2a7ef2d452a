import { render } from 'preact';
import './styles.css';
import { Sounder } from './sound.js';
import { App } from './views/app.js';

const sounder = new Sounder();
// Browsers allow audio only after a user gesture: any click or key on the page unlocks it.
document.addEventListener('pointerdown', () => sounder.unlock(), { capture: true });
document.addEventListener('keydown', () => sounder.unlock(), { capture: true });

const root = document.getElementById('app');
if (root) render(<App sounder={sounder} />, root);
