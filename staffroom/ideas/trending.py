"""The "trending" sort: recent votes weigh more (decision 0019).

A vote cast at time t adds 2^((t - EPOCH) / HALF_LIFE) to its idea's stored
`trending_score`; withdrawing it subtracts the same amount. At any moment T the idea's
trending value is

    trending(T) = Σ over its votes of 2^(-(T - t_vote) / HALF_LIFE)
                = trending_score * 2^(-(T - EPOCH) / HALF_LIFE)

— every vote counts 1 when cast, ½ a week later, ¼ after two weeks. The factor
2^(-(T - EPOCH)/HALF_LIFE) is the same for every idea, so ordering by the stored column *is*
ordering by the decayed value: no job re-scores ideas as time passes, and the board walks an
index. A double holds 2^1023, so the stored weights stay finite for 1023 half-lives (19.6
years from the epoch); `recount_ideas --rebase` is not needed before 2044.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
HALF_LIFE = timedelta(days=7)


def vote_weight(voted_at: datetime) -> float:
    """What one vote cast at `voted_at` adds to the stored score."""
    return float(2 ** ((voted_at - EPOCH) / HALF_LIFE))


def trending_now(stored_score: float, now: datetime) -> float:
    """The stored score as "votes, decayed to now": what a person would call trending."""
    return stored_score * float(2 ** (-((now - EPOCH) / HALF_LIFE)))
