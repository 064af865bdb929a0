/** The WellPay / NL-trade provider adapter (docs/sandbox-wellpay.md for the emulator it is tested against). */
export {
  WellpayAdapter,
  createWellpayAdapter,
  wellpayDetails,
  DEFAULT_PAYER_URL_BASE,
  DEFAULT_SOCKET_URL,
} from './adapter.ts';
export type { WellpayAdapterOptions, WellpayOrderDetails } from './adapter.ts';
export {
  WellpayClient,
  WellpayError,
  DEFAULT_API_URL,
  VERIFICATION_WORD,
  KEY_TOO_OLD,
  decodePublishedKey,
  encryptPayload,
  formatUahPrice,
  plaintextLimit,
  plaintextOf,
  rot13,
} from './client.ts';
export type {
  PublicKeyInfo,
  WellpayClientOptions,
  WellpayErrorCode,
  WellpayLogger,
  WellpayResponse,
} from './client.ts';
export { fingerprint, parseExchangeLog, parseInvoice, uahToMinor, wallTimeToIso } from './invoice.ts';
export type { ExchangeLog, ExchangeLogEntry, WellpayInvoice } from './invoice.ts';
export {
  REMOVED,
  STAGE_LABELS,
  WELLPAY_STATUSES,
  describeStatus,
  detectPriceChange,
  isFinalStatus,
} from './status.ts';
export type { StatusInfo, StatusLabel, WellpayStage, WellpayStatus } from './status.ts';
