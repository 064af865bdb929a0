/** The WellPay / NL-trade emulator (docs/sandbox-wellpay.md). */
export { createWellpayMount, startWellpaySandbox } from './server.ts';
export type { WellpayMount, WellpaySandbox, WellpaySandboxOptions } from './server.ts';
export { WellpayState, INVOICE_COLUMNS, WELLPAY_STATUSES, FINAL_STATUSES } from './state.ts';
export type { InvoiceRow, StoredInvoice, WellpayStatus } from './state.ts';
export { WellpayFaults } from './faults.ts';
export type { WellpayFaultConfig } from './faults.ts';
export { KEY_PATH, METHOD_PATH, VERIFICATION_WORD, KEY_TOO_OLD } from './rest.ts';
export { SOCKET_PATH, normaliseIp } from './sockets.ts';
