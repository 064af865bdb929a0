/**
 * The entry: as small as possible, so that the app's frame (drawn by index.html) is painted before anything heavy
 * runs. React and the first screen (boot.tsx, fetched in parallel through the <link rel="modulepreload"> tags the
 * build adds — renderer/vite.config.ts) are evaluated only after that first frame.
 */
import './styles.css';

let started = false;
const start = (): void => {
  if (started) return;
  started = true;
  void import('./boot.tsx');
};
// rAF runs just before the frame is painted; a task queued from it runs after that paint.
requestAnimationFrame(() => setTimeout(start, 0));
// A window that is not painting (hidden, in the background) does not run rAF: start anyway.
setTimeout(start, 100);
