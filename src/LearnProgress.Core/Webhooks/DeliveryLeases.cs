namespace LearnProgress.Core.Webhooks;

/// <summary>
/// How long a sender holds the deliveries it claims. A lease is measured by the store's clock (instances' clocks drift
/// apart; the store is the one clock every instance shares) and every claim gets a new lease number, the fencing token
/// a sender shows to renew the lease and to record its attempt: once another claim has taken the delivery, the earlier
/// holder can do neither, however late it comes back.
/// </summary>
public static class DeliveryLeases
{
    /// <summary>
    /// Deliveries one claim takes. They are sent one after another, so the claim's lease must cover them all; a small
    /// batch keeps that lease short, so deliveries claimed by an instance that then dies wait little for another one.
    /// </summary>
    public const int ClaimBatch = 5;

    /// <summary>Time beyond the send timeout for the store round trips around a send (renewing, recording) and pauses.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    /// <summary>The lease a claim of <paramref name="count"/> deliveries needs: every one of them sent in turn, each within its timeout.</summary>
    public static TimeSpan ForClaim(TimeSpan sendTimeout, int count) => sendTimeout * Math.Max(count, 1) + Margin;

    /// <summary>
    /// The lease held for one send, renewed just before it: a send is cancelled at its timeout, so the lease outlasts
    /// the send and its record, and no other sender can claim the delivery meanwhile.
    /// </summary>
    public static TimeSpan ForSend(TimeSpan sendTimeout) => sendTimeout + Margin;
}
