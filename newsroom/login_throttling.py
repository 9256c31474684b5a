"""Login throttling: django-axes' limit per username and address, and a wider one per address."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class PerAddressLimitHandler(AxesDatabaseHandler):
    """Axes' database handler, also refusing an address after failures across usernames.

    Axes compares every lockout parameter with one limit. An address is allowed more failures
    (`LOGIN_FAILURE_LIMIT_PER_ADDRESS`) than one username from it (`AXES_FAILURE_LIMIT`): a
    newsroom behind one office address is not locked out by a few mistyped passwords, while one
    address trying passwords across every username is stopped.
    """

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or (
            self.address_failures(request) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
        )

    def address_failures(self, request) -> int:
        """Failed logins from the request's address within the cool-off time, any username."""
        attempts = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
