// Links to the campaign's statistics table (情况统计表) as CSV and XLSX
// (getCampaignStatistics, docs/campaign-stats.md): every venue for the organisers, one
// venue for its admins.

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export function campaignStatsLinks({ fairId, venueId = null }) {
  const base = `/api/fairs/${encodeURIComponent(fairId)}/campaign-statistics`;
  const venue = venueId ? `&venue=${encodeURIComponent(venueId)}` : '';
  const link = (format, label) =>
    h(
      'li',
      {},
      h(
        'a',
        { href: `${base}?format=${format}${venue}`, download: '', id: `campaign-${format}` },
        label,
      ),
    );
  return h(
    'section',
    { 'aria-labelledby': 'campaign-title' },
    h('h2', { id: 'campaign-title' }, t('stats.campaign.title')),
    h('p', {}, venueId ? t('stats.campaign.intro_venue') : t('stats.campaign.intro_fair')),
    h(
      'ul',
      { class: 'report-links' },
      link('csv', t('stats.campaign.csv')),
      link('xlsx', t('stats.campaign.xlsx')),
    ),
  );
}
