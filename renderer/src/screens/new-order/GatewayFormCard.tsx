/**
 * The frame the WellPay and Xsolla forms share: a card with its heading and hint, submitted by Enter (the form's own
 * submit), with the browser's validation off (the forms show their own errors).
 */
import type { FormEvent, ReactNode } from 'react';

export function GatewayFormCard(props: {
  testId: string;
  headingId: string;
  title: string;
  hint: string;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
}) {
  return (
    <form
      className="card gw-form"
      data-testid={props.testId}
      aria-labelledby={props.headingId}
      noValidate
      onSubmit={props.onSubmit}
    >
      <div className="card-head">
        <h2 className="card-title" id={props.headingId}>
          {props.title}
        </h2>
      </div>
      <p className="gw-note">{props.hint}</p>
      {props.children}
    </form>
  );
}
