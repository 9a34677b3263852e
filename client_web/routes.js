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
    features: ['fairs', 'live'],
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
    features: ['fairs', 'programme', 'live'],
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
    name: 'reset-password',
    path: '/reset-password',
    tag: 'lf-reset-password-page',
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
    features: ['structure', 'jobs'],
    load: () => import('./pages/employer.js'),
  },
  {
    name: 'booth',
    path: '/booths/:id',
    tag: 'lf-booth-page',
    features: ['structure', 'queue', 'reservations', 'jobs'],
    load: () => import('./pages/booth.js'),
  },
  // booth queues: the candidate's lines, the staff's booths and their booth console
  {
    name: 'booth-console',
    path: '/booths/:id/console',
    tag: 'lf-booth-console-page',
    features: ['structure', 'queue', 'reservations', 'stats', 'interview', 'jobs'],
    load: () => import('./pages/booth-console.js'),
  },
  {
    name: 'my-booths',
    path: '/me/booths',
    tag: 'lf-my-booths-page',
    features: ['structure', 'queue'],
    load: () => import('./pages/my-booths.js'),
  },
  {
    name: 'booth-settings',
    path: '/booths/:id/settings',
    tag: 'lf-booth-settings-page',
    features: ['structure', 'queue', 'reservations', 'stats', 'jobs'],
    load: () => import('./pages/booth-settings.js'),
  },
  {
    name: 'booth-stats',
    path: '/booths/:id/stats',
    tag: 'lf-booth-stats-page',
    features: ['structure', 'queue', 'stats'],
    load: () => import('./pages/booth-stats.js'),
  },
  {
    name: 'my-lines',
    path: '/me/lines',
    tag: 'lf-my-lines-page',
    features: ['structure', 'queue'],
    load: () => import('./pages/my-lines.js'),
  },
  // reservations: the candidate's booked slots (docs/reservations.md)
  {
    name: 'my-bookings',
    path: '/me/bookings',
    tag: 'lf-my-bookings-page',
    features: ['structure', 'reservations'],
    load: () => import('./pages/my-bookings.js'),
  },
  // interviews: the room a call becomes (the id is the ticket's)
  {
    name: 'interview',
    path: '/interviews/:id',
    tag: 'lf-interview-page',
    features: ['structure', 'queue', 'interview', 'jobs'],
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
    features: ['structure', 'programme'],
    load: () => import('./pages/manage-venues.js'),
  },
  {
    // the organisers' weekly cycle: submissions, approval, placement, publication
    name: 'submission-board',
    path: '/manage/fairs/:id/submissions',
    tag: 'lf-submission-board-page',
    features: ['programme', 'stats'],
    load: () => import('./pages/submission-board.js'),
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
  {
    name: 'manage-venue-sessions',
    path: '/manage/venues/:id/sessions',
    tag: 'lf-manage-venue-sessions-page',
    features: ['structure', 'programme', 'jobs'],
    load: () => import('./pages/manage-venue-sessions.js'),
  },
  {
    // the venue's region's policies (政策清单); pages/policy-edit.js writes them
    name: 'manage-policies',
    path: '/manage/venues/:id/policies',
    tag: 'lf-manage-policies-page',
    features: ['fairs', 'structure', 'jobs'],
    load: () => import('./pages/manage-policies.js'),
  },
  {
    name: 'policy-new',
    path: '/manage/venues/:venue/policies/new',
    tag: 'lf-policy-edit-page',
    features: ['fairs', 'structure', 'jobs'],
    load: () => import('./pages/policy-edit.js'),
  },
  {
    // after "new", which the router must match first
    name: 'policy-edit',
    path: '/manage/venues/:venue/policies/:id',
    tag: 'lf-policy-edit-page',
    features: ['fairs', 'structure', 'jobs'],
    load: () => import('./pages/policy-edit.js'),
  },
  {
    name: 'venue-stats',
    path: '/manage/venues/:id/stats',
    tag: 'lf-venue-stats-page',
    features: ['fairs', 'structure', 'stats'],
    load: () => import('./pages/venue-stats.js'),
  },
  // featured sessions live: the audience's page, the host studio and the host's sessions
  {
    name: 'session-watch',
    path: '/sessions/:id',
    tag: 'lf-session-watch-page',
    features: ['live', 'queue', 'structure'],
    load: () => import('./pages/session-watch.js'),
  },
  {
    name: 'session-studio',
    path: '/sessions/:id/studio',
    tag: 'lf-session-studio-page',
    features: ['live', 'queue', 'structure', 'stats'],
    load: () => import('./pages/session-studio.js'),
  },
  {
    name: 'my-sessions',
    path: '/me/sessions',
    tag: 'lf-my-sessions-page',
    features: ['live'],
    load: () => import('./pages/my-sessions.js'),
  },
  // jobs, search and the policy catalogue (public), and the recruiter's side
  {
    name: 'jobs',
    path: '/jobs',
    tag: 'lf-jobs-page',
    features: ['jobs', 'structure'],
    load: () => import('./pages/jobs.js'),
  },
  {
    name: 'job',
    path: '/jobs/:id',
    tag: 'lf-job-page',
    features: ['jobs', 'people', 'structure'],
    load: () => import('./pages/job.js'),
  },
  {
    name: 'search',
    path: '/search',
    tag: 'lf-search-page',
    features: ['jobs', 'structure'],
    load: () => import('./pages/search.js'),
  },
  {
    name: 'policies',
    path: '/policies',
    tag: 'lf-policies-page',
    features: ['jobs'],
    load: () => import('./pages/policies.js'),
  },
  {
    name: 'policy',
    path: '/policies/:id',
    tag: 'lf-policy-page',
    features: ['jobs'],
    load: () => import('./pages/policy.js'),
  },
  {
    name: 'manage-jobs',
    path: '/manage/jobs',
    tag: 'lf-manage-jobs-page',
    features: ['jobs', 'structure'],
    load: () => import('./pages/manage-jobs.js'),
  },
  {
    name: 'job-new',
    path: '/manage/jobs/new',
    tag: 'lf-job-edit-page',
    features: ['jobs', 'structure'],
    load: () => import('./pages/job-edit.js'),
  },
  {
    name: 'job-edit',
    path: '/manage/jobs/:id',
    tag: 'lf-job-edit-page',
    features: ['jobs', 'structure'],
    load: () => import('./pages/job-edit.js'),
  },
  {
    name: 'manage-applications',
    path: '/manage/applications',
    tag: 'lf-manage-applications-page',
    features: ['jobs', 'people'],
    load: () => import('./pages/manage-applications.js'),
  },
  // the candidate's own: profile, resumes, applications, assessment, audit log, deletion
  {
    name: 'profile',
    path: '/me/profile',
    tag: 'lf-profile-page',
    features: ['jobs', 'people'],
    load: () => import('./pages/profile.js'),
  },
  {
    name: 'resumes',
    path: '/me/resumes',
    tag: 'lf-resumes-page',
    features: ['people'],
    load: () => import('./pages/resumes.js'),
  },
  {
    name: 'applications',
    path: '/me/applications',
    tag: 'lf-applications-page',
    features: ['jobs', 'people'],
    load: () => import('./pages/applications.js'),
  },
  {
    name: 'assessment',
    path: '/me/assessment',
    tag: 'lf-assessment-page',
    features: ['jobs', 'people'],
    load: () => import('./pages/assessment.js'),
  },
  {
    name: 'audit-log',
    path: '/me/audit-log',
    tag: 'lf-audit-log-page',
    features: ['people'],
    load: () => import('./pages/audit-log.js'),
  },
  {
    // the account's notifications (the header's bell leads here)
    name: 'notifications',
    path: '/me/notifications',
    tag: 'lf-notifications-page',
    features: ['notifications', 'jobs', 'structure', 'interview'],
    load: () => import('./pages/notifications.js'),
  },
  {
    name: 'delete-account',
    path: '/me/delete',
    tag: 'lf-delete-account-page',
    features: ['people'],
    load: () => import('./pages/delete-account.js'),
  },
  {
    name: 'resume',
    path: '/resumes/:id',
    tag: 'lf-resume-page',
    features: ['people'],
    load: () => import('./pages/resume.js'),
  },
];

export const notFound = {
  name: 'not-found',
  path: null,
  tag: 'lf-not-found-page',
  features: [],
  load: () => import('./pages/not-found.js'),
};
