"""The one error type a contact import raises for a file it cannot take."""


class ImportFileError(Exception):
    """The file cannot be imported; `message` is French and shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
