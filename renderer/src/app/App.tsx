import { Suspense, useEffect } from 'react';
import { useT, type MessageKey } from '../i18n/index.ts';
// The default route's screen is in the entry chunk; every other screen is a chunk of its own (./lazy.ts).
import { NewOrderScreen } from '../screens/new-order/NewOrderScreen.tsx';
import { Layout } from './Layout.tsx';
import { lazyScreen, preloadScreens } from './lazy.ts';
import { useRoute, type Route } from './router.ts';

const PaymentScreen = lazyScreen(() => import('../screens/payment/PaymentScreen.tsx'), 'PaymentScreen');
const OrdersScreen = lazyScreen(() => import('../screens/orders/OrdersScreen.tsx'), 'OrdersScreen');
const OrderDetailScreen = lazyScreen(
  () => import('../screens/orders/OrderDetailScreen.tsx'),
  'OrderDetailScreen',
);
const RefundScreen = lazyScreen(() => import('../screens/refund/RefundScreen.tsx'), 'RefundScreen');
const DiagnosticsScreen = lazyScreen(
  () => import('../screens/diagnostics/DiagnosticsScreen.tsx'),
  'DiagnosticsScreen',
);
const SettingsScreen = lazyScreen(() => import('../screens/settings/SettingsScreen.tsx'), 'SettingsScreen');
const CustomerDisplay = lazyScreen(
  () => import('../screens/customer/CustomerDisplay.tsx'),
  'CustomerDisplay',
);

const ShiftScreen = lazyScreen(() => import('../screens/shift/ShiftScreen.tsx'), 'ShiftScreen');
const ReportScreen = lazyScreen(() => import('../screens/shift/ReportScreen.tsx'), 'ReportScreen');
const ReportsScreen = lazyScreen(() => import('../screens/shift/ReportsScreen.tsx'), 'ReportsScreen');

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
  // Once the first screen is up, fetch the other screens' chunks in the background.
  useEffect(preloadScreens, []);

  if (route.name === 'customer')
    return (
      <Suspense fallback={null}>
        <CustomerDisplay />
      </Suspense>
    );
  return (
    <Layout route={route} title={title}>
      {/* The frame stays while a screen's chunk arrives (normally already preloaded). */}
      <Suspense fallback={null}>
        <Screen route={route} />
      </Suspense>
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
