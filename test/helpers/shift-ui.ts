/**
 * Shifts through the UI, as a cashier does it, for the end-to-end tests: the first run's senior, more staff, opening
 * and closing a shift, and answering the PIN dialog. Only data-testid hooks, never the core directly.
 */
import type { Page } from 'playwright-core';

export interface Person {
  name: string;
  pin: string;
  role?: 'cashier' | 'senior';
}

export const SENIOR: Person = { name: 'Анна Старшая', pin: '2580', role: 'senior' };
export const CASHIER: Person = { name: 'Борис Кассир', pin: '1397', role: 'cashier' };

const WAIT = { timeout: 20_000 };

/** The console is up: either the basket or the "open a shift" call to action is on screen. */
export async function waitForConsole(page: Page): Promise<void> {
  await page.locator('[data-testid=new-order], [data-testid=shift-required]').first().waitFor(WAIT);
}

export async function goShift(page: Page): Promise<void> {
  await page.keyboard.press('F6');
  await page
    .locator('[data-testid=first-run], [data-testid=shift-open], [data-testid=shift-current]')
    .first()
    .waitFor(WAIT);
}

/** Answers the PIN dialog (it must be open or about to open). */
export async function enterPin(page: Page, pin: string, approver?: string): Promise<void> {
  const dialog = page.locator('[data-testid=pin-dialog][open]');
  await dialog.waitFor(WAIT);
  const input = dialog.getByTestId('pin-input');
  await input.waitFor(WAIT);
  if (approver !== undefined && (await dialog.locator('select[data-testid=pin-approver]').count()) > 0)
    await dialog.locator('select[data-testid=pin-approver]').selectOption({ label: approver });
  await input.fill(pin);
  await input.press('Enter');
}

/** The first run: creates the senior cashier (no approval needed for the first one). */
export async function createFirstSenior(page: Page, senior: Person = SENIOR): Promise<void> {
  await goShift(page);
  const first = page.getByTestId('first-run');
  await first.waitFor(WAIT);
  await first.getByTestId('staff-name').fill(senior.name);
  await first.getByTestId('staff-pin').fill(senior.pin);
  await first.getByTestId('staff-pin2').fill(senior.pin);
  await first.getByTestId('staff-save').click();
  await page.getByTestId('shift-open').waitFor(WAIT);
}

/** Adds a staff member in the settings, approved by `approver`'s PIN. */
export async function addStaff(page: Page, person: Person, approver: Person = SENIOR): Promise<void> {
  await page.keyboard.press('F9');
  const section = page.getByTestId('staff-section');
  await section.waitFor(WAIT);
  await section.getByTestId('staff-add').click();
  const form = section.getByTestId('staff-form');
  await form.getByTestId('staff-name').fill(person.name);
  await form.getByTestId('staff-role').selectOption(person.role ?? 'cashier');
  await form.getByTestId('staff-pin').fill(person.pin);
  await form.getByTestId('staff-pin2').fill(person.pin);
  await form.getByTestId('staff-save').click();
  await enterPin(page, approver.pin, approver.name);
  await section.locator('[data-testid=staff-row]', { hasText: person.name }).waitFor(WAIT);
  await page
    .locator('[data-testid=pin-dialog][open]')
    .waitFor({ state: 'detached', ...WAIT })
    .catch(() => {});
}

/** Opens a shift as `person` and lands on the new-order screen. */
export async function openShift(page: Page, person: Person): Promise<void> {
  await goShift(page);
  const form = page.getByTestId('shift-open');
  await form.waitFor(WAIT);
  const select = form.getByTestId('open-shift-staff');
  const value = await select.locator('option', { hasText: person.name }).first().getAttribute('value');
  await select.selectOption(value!);
  await form.getByTestId('open-shift').click();
  await enterPin(page, person.pin);
  await page.getByTestId('new-order').waitFor(WAIT);
  await page.locator('[data-testid=shift-status][data-state=open]').waitFor(WAIT);
}

/** What most end-to-end tests need: a senior exists and a shift is open (as that senior), through the UI. */
export async function setupShift(page: Page, senior: Person = SENIOR): Promise<void> {
  await waitForConsole(page);
  await createFirstSenior(page, senior);
  await openShift(page, senior);
}
