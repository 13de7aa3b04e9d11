/**
 * Before the card goes out, a payout gets Dollr's estimate of its fees and of what the payee
 * receives. It is only an estimate: when Dollr cannot say, the card simply goes out without it.
 */
import type { Logger, PaymentsGateway, RequestStore } from '../ports.ts';
import type { MoneyRequest } from './request.ts';
import { updateRequest } from './update-request.ts';

export async function attachFeeEstimate(
  deps: { store: RequestStore; gateway: PaymentsGateway; logger: Logger },
  request: MoneyRequest,
): Promise<void> {
  const { details } = request;
  if (details.kind !== 'payout') return;
  try {
    const feePreview = await deps.gateway.previewPayoutFees({ amount: details.amount, currency: details.currency });
    if (!feePreview) return;
    // Written only while the card is not out yet: what reviewers see does not change under them.
    const delivery = await deps.store.getDelivery(request.id);
    if (delivery.told > 0 || delivery.sending) return;
    await updateRequest(deps.store, request.id, (r) => ({
      ...r,
      version: r.version + 1,
      checks: { possibleDuplicates: [], ...r.checks, feePreview },
    }));
  } catch (error) {
    deps.logger.info('no fee estimate from Dollr; the card goes out without it', { requestId: request.id, error });
  }
}
