"""Errors a service raises: each carries a message in Chinese for the person acting."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused action. `message` is shown to people as it is."""

    code = "refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(ServiceError):
    code = "forbidden"

    def __init__(self, message: str = "您没有权限进行此操作。") -> None:
        super().__init__(message)


class NotFound(ServiceError):
    code = "not_found"

    def __init__(self, message: str = "记录不存在，或您无权查看。") -> None:
        super().__init__(message)


class Conflict(ServiceError):
    """Someone else changed the row between reading and writing it."""

    code = "conflict"

    def __init__(self, message: str = "已被他人修改，请刷新后重试。") -> None:
        super().__init__(message)


class InvalidMove(ServiceError):
    """A status change that the rules do not allow from the current state."""

    code = "invalid_move"


class InvalidInput(ServiceError):
    code = "invalid_input"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
