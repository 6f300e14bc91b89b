import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../../ui/components.tsx';

export function Dashboard() {
  const { t } = useTranslation('dashboard');
  return <PageTitle>{t('title')}</PageTitle>;
}
