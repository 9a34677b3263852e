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
    // pages/venue.js's venue page, with the venue's booths and guidance desks
    name: 'venue',
    path: '/venues/:id',
    tag: 'lf-venue-booths-page',
    features: ['fairs', 'structure'],
    load: () => import('./pages/venue-booths.js'),
  },
  {
    name: 'programme',
    path: '/programme',
    tag: 'lf-programme-page',
    features: ['fairs', 'programme'],
    load: () => import('./pages/programme.js'),
  },
  // identity: signing up and in, one's account
  {
    name: 'signup',
    path: '/signup',
    tag: 'lf-signup-page',
    features: ['identity'],
    load: () => import('./pages/signup.js'),
  },
  {
    name: 'login',
    path: '/login',
    tag: 'lf-login-page',
    features: ['identity'],
    load: () => import('./pages/login.js'),
  },
  {
    name: 'account',
    path: '/account',
    tag: 'lf-account-page',
    features: ['identity', 'structure'],
    load: () => import('./pages/account.js'),
  },
  {
    name: 'join',
    path: '/join',
    tag: 'lf-join-page',
    features: ['identity'],
    load: () => import('./pages/join.js'),
  },
  // the fair's structure, public: employers and booths
  {
    name: 'employer',
    path: '/employers/:id',
    tag: 'lf-employer-page',
    features: ['structure'],
    load: () => import('./pages/employer.js'),
  },
  {
    name: 'booth',
    path: '/booths/:id',
    tag: 'lf-booth-page',
    features: ['structure', 'queue'],
    load: () => import('./pages/booth.js'),
  },
  // booth queues: the candidate's lines and the staff's booth console
  {
    name: 'booth-console',
    path: '/booths/:id/console',
    tag: 'lf-booth-console-page',
    features: ['structure', 'queue'],
    load: () => import('./pages/booth-console.js'),
  },
  {
    name: 'my-lines',
    path: '/me/lines',
    tag: 'lf-my-lines-page',
    features: ['structure', 'queue'],
    load: () => import('./pages/my-lines.js'),
  },
  // interviews: the room a call becomes (the id is the ticket's)
  {
    name: 'interview',
    path: '/interviews/:id',
    tag: 'lf-interview-page',
    features: ['structure', 'interview'],
    load: () => import('./pages/interview.js'),
  },
  // an employer's own people: admins and recruiters ("new" before ":id")
  {
    name: 'my-employers',
    path: '/manage/employers',
    tag: 'lf-my-employers-page',
    features: ['identity', 'structure'],
    load: () => import('./pages/my-employers.js'),
  },
  {
    name: 'employer-new',
    path: '/manage/employers/new',
    tag: 'lf-employer-new-page',
    features: ['structure'],
    load: () => import('./pages/employer-new.js'),
  },
  {
    name: 'employer-profile',
    path: '/manage/employers/:id',
    tag: 'lf-employer-profile-page',
    features: ['structure'],
    load: () => import('./pages/employer-profile.js'),
  },
  {
    name: 'employer-recruiters',
    path: '/manage/employers/:id/recruiters',
    tag: 'lf-employer-recruiters-page',
    features: ['structure'],
    load: () => import('./pages/employer-recruiters.js'),
  },
  {
    name: 'employer-booths',
    path: '/manage/employers/:id/booths',
    tag: 'lf-employer-booths-page',
    features: ['structure'],
    load: () => import('./pages/employer-booths.js'),
  },
  // venues' admins and the fair's organisers
  {
    name: 'manage-venues',
    path: '/manage/venues',
    tag: 'lf-manage-venues-page',
    features: ['structure'],
    load: () => import('./pages/manage-venues.js'),
  },
  {
    name: 'manage-venue',
    path: '/manage/venues/:id',
    tag: 'lf-manage-venue-page',
    features: ['fairs', 'structure'],
    load: () => import('./pages/manage-venue.js'),
  },
  {
    name: 'manage-verification',
    path: '/manage/venues/:id/employers',
    tag: 'lf-manage-verification-page',
    features: ['structure'],
    load: () => import('./pages/manage-verification.js'),
  },
  {
    name: 'manage-booths',
    path: '/manage/venues/:id/booths',
    tag: 'lf-manage-booths-page',
    features: ['structure'],
    load: () => import('./pages/manage-booths.js'),
  },
  {
    name: 'manage-staff',
    path: '/manage/venues/:id/staff',
    tag: 'lf-manage-staff-page',
    features: ['structure'],
    load: () => import('./pages/manage-staff.js'),
  },
];

export const notFound = {
  name: 'not-found',
  path: null,
  tag: 'lf-not-found-page',
  features: [],
  load: () => import('./pages/not-found.js'),
};
