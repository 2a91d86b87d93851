"""The one error type the CLI turns into a clean message and exit code 2.

Every package raises a subclass (or ``KzlegalError`` itself) for bad input, with a message
that names the file, line or field at fault.
"""


class KzlegalError(Exception):
    """A user-facing error: bad input, missing file, refused index."""


class CorpusError(KzlegalError):
    """The statute source or the corpus store cannot be read as expected."""
