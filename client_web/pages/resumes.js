// My resumes (/me/resumes): upload a PDF or DOCX (at most 5 MiB), see the list, open
// one, delete one. The page refuses what it can tell at once (wrong kind of file, too
// large) and says why; the server decides by the file's content (a renamed program or
// a zip bomb is refused there) and the page explains its answer the same way.
// Sent from a job without a resume (?next=/jobs/<id>), it leads back there once one is
// uploaded, so applying goes on where it stopped.

import { api, errorMessage } from '../api.js';
import { confirmButton } from '../components/confirm.js';
import { LivePage } from '../components/live-page.js';
import { peopleTabs, resumeLabel, signedIn, when } from '../components/people.js';
import { signInPrompt } from '../components/signed-in.js';
import { nextPath } from '../components/navigate.js';
import { sendFile } from '../components/upload.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import { announce } from '../notices.js';

const MAX_BYTES = 5 * 1024 * 1024; // server/domain/resumes.py MAX_BYTES
const ACCEPT =
  '.pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Why the page refuses `file` before sending it, as a function giving text, or null. */
function refusal(file) {
  if (!file) return () => t('people.resumes.missing');
  if (!/\.(pdf|docx)$/i.test(file.name)) return () => t('people.resumes.wrong_kind');
  if (file.size > MAX_BYTES) return () => t('people.resumes.too_large');
  if (file.size === 0) return () => t('people.resumes.empty');
  return null;
}

class ResumesPage extends LivePage {
  async load(signal) {
    const account = await signedIn();
    if (!account) return { account: null };
    const [resumes, fair] = await Promise.all([api('/api/me/resumes', { signal }), currentFair()]);
    return { account, fair, resumes: resumes.items, error: null, busy: false, confirming: null };
  }

  heading() {
    return t('people.resumes.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    return [peopleTabs('resumes'), this.#back(model), this.#upload(model), this.#list(model)];
  }

  /** Back to the job the candidate was applying to, once they have a resume to send. */
  #back(model) {
    const next = nextPath(this.query, null);
    if (!next || model.resumes.length === 0) return null;
    return h(
      'p',
      { class: 'callout' },
      h('a', { href: next, class: 'button', id: 'resume-back' }, t('people.resumes.back_to_apply')),
    );
  }

  #upload(model) {
    const file = h('input', {
      type: 'file',
      id: 'resume-file',
      accept: ACCEPT,
      'aria-describedby': model.error ? 'resume-error resume-hint' : 'resume-hint',
      'aria-invalid': model.error ? 'true' : null,
    });
    return h(
      'section',
      { 'aria-labelledby': 'resume-upload-title' },
      h('h2', { id: 'resume-upload-title' }, t('people.resumes.upload_title')),
      h(
        'form',
        {
          class: 'form',
          id: 'resume-form',
          novalidate: true,
          onsubmit: (event) => {
            event.preventDefault();
            this.#send(file.files[0] ?? null);
          },
        },
        h(
          'div',
          { class: `field${model.error ? ' field-invalid' : ''}` },
          h('label', { for: 'resume-file' }, t('people.resumes.choose')),
          h('p', { id: 'resume-hint', class: 'hint' }, t('people.resumes.hint')),
          model.error
            ? h(
                'p',
                {
                  id: 'resume-error',
                  class: 'field-error',
                  role: 'alert',
                  dataset: model.errorCode ? { errorCode: model.errorCode } : {},
                },
                model.error(),
              )
            : null,
          file,
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'submit', class: 'button', id: 'resume-upload' },
            t('people.resumes.upload'),
          ),
        ),
      ),
    );
  }

  async #send(file) {
    const model = this.model;
    if (model.busy) return;
    model.error = refusal(file);
    model.errorCode = null;
    if (model.error) {
      this.repaint({ focus: '#resume-file' });
      return;
    }
    model.busy = true;
    try {
      const resume = await sendFile(
        `/api/me/resumes?filename=${encodeURIComponent(file.name)}`,
        file,
        { method: 'POST' },
      );
      model.resumes = [resume, ...model.resumes];
      // Sent here from a job: the way back is what comes next.
      const focus = nextPath(this.query, null) ? '#resume-back' : '#resume-list-title';
      this.repaint({ focus });
      announce(t('people.resumes.uploaded', { name: resume.filename }));
    } catch (error) {
      model.errorCode = error.code ?? null;
      // resume.type_refused, too_large, zip_bomb, limit, duplicate: our words
      const reason = String(error.code).replace('resume.', '');
      model.error = () =>
        tCode('people.resumes.refused.', reason, 'people.resumes.refused.other', {
          ...error.params,
          reason: errorMessage(error),
        });
      this.repaint({ focus: '#resume-file' });
    } finally {
      model.busy = false;
    }
  }

  #list(model) {
    return h(
      'section',
      { 'aria-labelledby': 'resume-list-title' },
      h(
        'h2',
        { id: 'resume-list-title', tabindex: '-1' },
        t('people.resumes.list_title', { count: model.resumes.length }),
      ),
      model.resumes.length === 0
        ? h('p', {}, t('people.resumes.none'))
        : h(
            'ul',
            { class: 'cards cards-single', id: 'resume-list' },
            model.resumes.map((resume) => this.#item(model, resume)),
          ),
    );
  }

  #item(model, resume) {
    const nameId = `resume-${resume.id}-name`;
    return h(
      'li',
      { class: 'card', dataset: { resume: resume.id } },
      h(
        'p',
        { class: 'card-title', id: nameId },
        h(
          'a',
          { href: `/api/resumes/${resume.id}`, download: resume.filename },
          resumeLabel(resume),
        ),
      ),
      h(
        'p',
        { class: 'card-meta' },
        t('people.resumes.uploaded_at'),
        ' ',
        when(resume.uploaded_at, model.fair),
      ),
      h(
        'p',
        { class: 'actions' },
        confirmButton(this, {
          verb: 'resume-delete',
          key: resume.id,
          describedBy: nameId,
          label: t('people.resumes.delete'),
          confirm: t('people.resumes.delete_confirm', { name: resume.filename }),
          cancel: t('people.form.cancel'),
          run: () => this.#delete(resume),
        }),
      ),
    );
  }

  async #delete(resume) {
    const model = this.model;
    try {
      await api(`/api/me/resumes/${encodeURIComponent(resume.id)}`, { method: 'DELETE' });
      model.resumes = model.resumes.filter((r) => r.id !== resume.id);
      model.confirming = null;
      this.repaint({ focus: '#resume-list-title' });
      announce(t('people.resumes.deleted', { name: resume.filename }));
    } catch (error) {
      model.confirming = null;
      model.error = () => errorMessage(error);
      this.repaint({ focus: '#resume-file' });
    }
  }
}

customElements.define('lf-resumes-page', ResumesPage);
