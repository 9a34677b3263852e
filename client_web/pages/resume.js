// A resume by its link (/resumes/<id>): for whoever may read it — its owner, or the
// staff of an employer it was sent to or of a booth whose queue its owner joined,
// within 30 days of the application or ticket closing — the file is fetched (the
// candidate's audit log records it) and offered to save; anyone else is told who may
// read a resume, instead of getting a raw error document.

import { ApiError } from '../api.js';
import { resumeLabel } from '../components/people.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';

/** The filename of a Content-Disposition header (filename*=UTF-8'' first). */
function filenameOf(header) {
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '');
  if (extended) return decodeURIComponent(extended[1]);
  const plain = /filename="([^"]*)"/i.exec(header ?? '');
  return plain ? plain[1] : 'resume';
}

class ResumePage extends Page {
  #url = null;

  async load(signal) {
    const response = await fetch(`/api/resumes/${encodeURIComponent(this.params.id)}`, {
      credentials: 'same-origin',
      headers: { Accept: 'application/pdf, application/octet-stream, application/problem+json' },
      signal,
    });
    if (response.status === 403) return { refused: true };
    if (!response.ok) {
      let problem = null;
      try {
        problem = await response.json();
      } catch {
        problem = null;
      }
      throw new ApiError({ code: problem?.code ?? 'response.invalid', status: response.status });
    }
    const blob = await response.blob();
    this.#url = URL.createObjectURL(blob);
    return { filename: filenameOf(response.headers.get('Content-Disposition')), bytes: blob.size };
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.#url) URL.revokeObjectURL(this.#url);
  }

  heading(file) {
    return file.refused ? t('people.resume.refused_title') : t('people.resume.title');
  }

  render(file) {
    if (file.refused) {
      return h(
        'div',
        { class: 'notice notice-error' },
        h('p', { 'data-error-code': 'auth.forbidden' }, t('people.resume.refused')),
      );
    }
    return [
      h('p', {}, t('people.resume.ready')),
      h(
        'p',
        {},
        h(
          'a',
          { href: this.#url, download: file.filename, class: 'button', id: 'resume-save' },
          t('people.resume.save', { name: resumeLabel(file) }),
        ),
      ),
      h('p', { class: 'hint' }, t('people.resume.audited')),
    ];
  }
}

customElements.define('lf-resume-page', ResumePage);
