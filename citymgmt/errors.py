"""The one family of errors that services raise, whatever the app.

A service refuses with a `DomainError` whose message a person can act on,
optionally naming the input field it is about. The REST API's exception
handler (`citymgmt.exceptions`) and the form helper (`citymgmt.forms`) turn
it into a 400/403/404/409/429 answer or a form error; nothing else needs to know
which service raised it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class DomainError(Exception):
    """A refusal with a message for a person; `field` names the input at fault."""

    status_code = 400

    def __init__(
        self,
        message: object,
        *,
        field: str | None = None,
        status_code: int | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        if status_code is not None:
            self.status_code = status_code
        # More for a client to act on (the candidates to choose from).
        self.extra = dict(extra or {})
        # Several fields at once (a model's validation); else the one message.
        self.errors: dict[str, list[str]] = (
            {name: [str(m) for m in messages] for name, messages in errors.items()}
            if errors
            else {field or NON_FIELD_ERRORS: [self.message]}
        )

    @classmethod
    def from_validation(cls, error: ValidationError) -> DomainError:
        """The same messages as a Django ValidationError, field by field."""
        if hasattr(error, "error_dict"):
            errors = {name: list(msgs) for name, msgs in error.message_dict.items()}
        else:
            errors = {NON_FIELD_ERRORS: list(error.messages)}
        first_field, first = next(iter(errors.items()))
        field = None if first_field == NON_FIELD_ERRORS else first_field
        return InvalidInput(first[0] if first else "", field=field, errors=errors)


class InvalidInput(DomainError):
    """What was given cannot be used (a missing reason, a photo that is no photo)."""


class NotAllowed(DomainError):
    """The action does not apply now (the case is in another state)."""


class Forbidden(DomainError):
    """This person's role or unit may not do this."""

    status_code = 403


class NotFound(DomainError):
    """No such object in this person's scope."""

    status_code = 404


class Conflict(DomainError):
    """Someone else changed the object first."""

    status_code = 409


class TooManyAttempts(DomainError):
    """Refused for now after too many tries; `retry_after` says for how long."""

    status_code = 429

    def __init__(self, message: object, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


def full_clean_or_refuse(instance: Any, **options: Any) -> None:
    """Run a model's `full_clean`; its ValidationError leaves as a DomainError."""
    try:
        instance.full_clean(**options)
    except ValidationError as exc:
        raise DomainError.from_validation(exc) from None
