// The web client's entry point: language, shell, navigation, routing.
//
// Order matters: the language is set before any text is drawn, the shell's own
// catalogues ("shell", "errors") before the first page, the components before the
// router starts. See docs/web-client.md for the whole picture.

import { currentFair, pick } from './fair.js';
import { language, setLanguage, storedLanguage, t, translate, useFeatures } from './lib/i18n.js';
import { Router } from './lib/router.js';
import { zoneLabel } from './lib/time.js';
import { navFor } from './nav.js';
import { clearNotices } from './notices.js';
import { notFound, routes } from './routes.js';
import { roles } from './session.js';

let fair = null; // the current fair once loaded (for the header and footer)
let router = null;

function siteName() {
  return fair ? pick(fair, 'title', language()) : t('shell.product');
}

function paintShell() {
  translate(document);
  document.getElementById('site-title').textContent = siteName();
  const footerTime = document.getElementById('footer-time');
  footerTime.textContent = fair
    ? t('shell.footer.time', { zone: zoneLabel(fair.time_zone, language()) })
    : '';
  footerTime.hidden = !fair;
  paintTitle();
}

function paintTitle() {
  const page = router?.page;
  const name = siteName();
  const title = page ? page.documentTitle() : '';
  document.title = title && title !== name ? `${title} · ${name}` : name;
}

async function main() {
  await setLanguage(storedLanguage(), { remember: false });
  await useFeatures(['shell', 'errors']);
  // The shell's components draw text when they are defined, so only now.
  await Promise.all([import('./components/language-switch.js'), import('./components/nav.js')]);
  paintShell();

  const nav = document.querySelector('lf-nav');
  nav.items = navFor(await roles());

  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    const heading = document.querySelector('#main h1');
    (heading ?? document.getElementById('main')).focus();
  });

  window.addEventListener('languagechange', paintShell);

  router = new Router({
    routes,
    notFound,
    outlet: document.getElementById('main'),
    onView: paintTitle,
  });
  window.addEventListener('popstate', clearNotices);
  document.addEventListener('click', (event) => {
    if (event.target.closest?.('a[href]')) clearNotices();
  });

  // The header shows the fair's title; pages load the fair themselves (one request).
  currentFair()
    .then((loaded) => {
      fair = loaded;
      paintShell();
    })
    .catch(() => {}); // the page that needs the fair shows the error

  await router.start();
}

main().catch((error) => {
  console.error('livefair: the shell failed to start', error);
});
