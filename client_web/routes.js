// Every page of the web client. A route is
//   { name, path, tag, features, load }
// - path: "/venues/:id" style; ":name" matches one path segment (this.params.name).
// - tag: the page's custom element, defined by the module that load() imports.
// - features: catalogues (client_web/i18n/<feature>.<lang>.json) the page needs; the
//   shell's own ("shell", "errors") are always loaded.
// Pages are loaded on first visit (dynamic import), so a phone fetches only what it shows.
// See docs/web-client.md, "Adding a page".

export const routes = [
  {
    name: 'home',
    path: '/',
    tag: 'lf-home-page',
    features: ['fairs'],
    load: () => import('./pages/home.js'),
  },
  {
    name: 'venues',
    path: '/venues',
    tag: 'lf-venues-page',
    features: ['fairs'],
    load: () => import('./pages/venues.js'),
  },
  {
    name: 'venue',
    path: '/venues/:id',
    tag: 'lf-venue-page',
    features: ['fairs'],
    load: () => import('./pages/venue.js'),
  },
  {
    name: 'programme',
    path: '/programme',
    tag: 'lf-programme-page',
    features: ['fairs', 'programme'],
    load: () => import('./pages/programme.js'),
  },
];

export const notFound = {
  name: 'not-found',
  path: null,
  tag: 'lf-not-found-page',
  features: [],
  load: () => import('./pages/not-found.js'),
};
