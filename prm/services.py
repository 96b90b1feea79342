"""What every module's services share."""


class DomainError(Exception):
    """A business rule refused the request. Pages show `message`; the API answers
    {"code": code, "detail": message} with `status`: 422 (a request the schema allows, refused by a rule) unless
    the rule says otherwise — 403 for a role, 409 for a conflict with the current state (docs/api.md, "Errors")."""

    status = 422

    def __init__(self, message, *, code="rule_violated", status=None):
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status = status


class Conflict(DomainError):
    """Refused because of the current state: a duplicate of what exists, or an object that is not in the state
    the action needs (the API answers 409)."""

    status = 409
