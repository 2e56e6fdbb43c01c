import { useTranslation } from 'react-i18next';

const STEPS = ['step_indicator_details', 'step_indicator_photos', 'step_indicator_done'] as const;

/** Where the owner is in the claim: details and remedy, photos, submitted. */
export function StepIndicator({ current }: { current: 1 | 2 | 3 }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('web.step_indicator_label')}>
      <ol className="step-indicator">
        {STEPS.map((key, index) => {
          const step = index + 1;
          const state = step < current ? 'done' : step === current ? 'current' : 'todo';
          return (
            <li key={key} data-state={state} aria-current={step === current ? 'step' : undefined}>
              <span className="step-number" aria-hidden="true">
                {step < current ? '✓' : step}
              </span>{' '}
              {t(`web.${key}`)}
              {step < current && <span className="visually-hidden"> ({t('web.step_done')})</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
