"""What every module's services share."""


class DomainError(Exception):
    """A business rule refused the request. Pages show `message`; the API answers
    {"code": code, "detail": message} with `status`."""

    status = 400

    def __init__(self, message, *, code="rule_violated", status=None):
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status = status
