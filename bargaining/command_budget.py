"""The room's command budget: a token bucket per user and process, so several sockets of
one user share one budget and a flood is refused (and, far past it, closed)."""

import time

# A per-user token bucket: BURST commands at once, refilled at RATE per second. Far past it
# (the bucket owes ABUSE_DEBT commands) the socket is closed.
RATE = 5.0
BURST = 20.0
ABUSE_DEBT = 50.0


class TokenBucket:
    # One per user in the process: thousands in a crowd of watchers.
    __slots__ = ("rate", "burst", "tokens", "debt", "stamp")

    def __init__(self, rate: float = RATE, burst: float = BURST):
        self.rate, self.burst = rate, burst
        self.tokens, self.debt = burst, 0.0
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.debt = max(0.0, self.debt - 1)
            return True
        self.debt += 1
        return False


# Per user and process: several sockets of one user share one budget.
_user_buckets: dict[int, TokenBucket] = {}


def _bucket_for(user_id: int) -> TokenBucket:
    bucket = _user_buckets.get(user_id)
    if bucket is None:
        if len(_user_buckets) > 10000:
            _user_buckets.clear()  # bounded memory; a reset only forgives a little
        bucket = _user_buckets[user_id] = TokenBucket()
    return bucket
