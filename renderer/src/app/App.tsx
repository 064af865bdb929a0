import { useEffect } from 'react';
import { useT, type MessageKey } from '../i18n/index.ts';
import { CustomerDisplay } from '../screens/customer/CustomerDisplay.tsx';
import { DiagnosticsScreen } from '../screens/diagnostics/DiagnosticsScreen.tsx';
import { NewOrderScreen } from '../screens/new-order/NewOrderScreen.tsx';
import { OrderDetailScreen } from '../screens/orders/OrderDetailScreen.tsx';
import { OrdersScreen } from '../screens/orders/OrdersScreen.tsx';
import { PaymentScreen } from '../screens/payment/PaymentScreen.tsx';
import { RefundScreen } from '../screens/refund/RefundScreen.tsx';
import { SettingsScreen } from '../screens/settings/SettingsScreen.tsx';
import { ReportScreen } from '../screens/shift/ReportScreen.tsx';
import { ReportsScreen } from '../screens/shift/ReportsScreen.tsx';
import { ShiftScreen } from '../screens/shift/ShiftScreen.tsx';
import { Layout } from './Layout.tsx';
import { useRoute, type Route } from './router.ts';

const TITLES: Record<Route['name'], MessageKey> = {
  new: 'title.new',
  pay: 'title.pay',
  orders: 'title.orders',
  order: 'title.order',
  refund: 'title.refund',
  diagnostics: 'title.diagnostics',
  settings: 'title.settings',
  customer: 'title.customer',
  shift: 'shift.title',
  reports: 'report.listTitle',
  report: 'report.screenTitle',
};

export function App() {
  const route = useRoute();
  const t = useT();
  const title = t(TITLES[route.name]);
  useEffect(() => {
    document.title = `${title} — PayDesk`;
  }, [title]);

  if (route.name === 'customer') return <CustomerDisplay />;
  return (
    <Layout route={route} title={title}>
      <Screen route={route} />
    </Layout>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'new':
      return <NewOrderScreen />;
    case 'pay':
      return <PaymentScreen key={route.id} id={route.id} />;
    case 'orders':
      return <OrdersScreen />;
    case 'order':
      return <OrderDetailScreen key={route.id} id={route.id} />;
    case 'refund':
      return <RefundScreen key={route.id} id={route.id} />;
    case 'diagnostics':
      return <DiagnosticsScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'customer':
      return null;
    case 'shift':
      return <ShiftScreen />;
    case 'reports':
      return <ReportsScreen />;
    case 'report':
      return <ReportScreen key={route.id} id={route.id} />;
  }
}
