"""Operations on a whole installation: backup and restore (docs/operations.md)."""


class Refused(Exception):
    """A backup or restore that cannot go ahead. The message is for people, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
