export interface LedgerPayment {
  id: string;
  amount: number;
  currency: string;
  refunded: number;
  refunds: string[];
}

/**
 * Captured payments a refund API draws on. The sandbox has not seen the checkout, so an unknown
 * id is treated as a captured payment of the default amount the first time it is referenced.
 */
export class PaymentLedger {
  private readonly payments = new Map<string, LedgerPayment>();

  constructor(private readonly defaultAmount: number, private readonly currency: string) {}

  get(id: string): LedgerPayment {
    let payment = this.payments.get(id);
    if (!payment) {
      payment = { id, amount: this.defaultAmount, currency: this.currency, refunded: 0, refunds: [] };
      this.payments.set(id, payment);
    }
    return payment;
  }

  refund(id: string, refundId: string, amount: number): void {
    const payment = this.get(id);
    payment.refunded += amount;
    payment.refunds.push(refundId);
  }

  list(): LedgerPayment[] {
    return [...this.payments.values()];
  }

  clear(): void {
    this.payments.clear();
  }
}
